//! `cargo xtask leak`: millions of sign + verify calls from Python and from the JVM with the
//! process's RSS sampled (bindings/python/tools/leak_run.py, bindings/kotlin/tools/LeakRun.java),
//! the Rust side of a Python run under valgrind's memcheck, and the JVM's direct path under
//! `-Xcheck:jni` (bindings/kotlin/tools/JniCheck.java). Never part of `test`: the figures are for
//! docs/reliability.md, and a run takes minutes.

use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::{Context as _, bail};
use xshell::cmd;

use crate::report::{Outcome, Report};
use crate::workspace::{Ctx, on_path};

/// See kotlin.rs: the JVM must load the jar's own library, not one found through this variable.
const HOST_LIBRARY_PATH: &str = "LD_LIBRARY_PATH";
/// A fixed, pre-touched Java heap: the heap cannot grow the RSS, so growth is native memory.
const JVM_HEAP: [&str; 3] = ["-Xms256m", "-Xmx256m", "-XX:+AlwaysPreTouch"];

/// What `cargo xtask leak` runs.
pub struct LeakRun {
    /// Sign + verify iterations per language (each is two FFI calls, plus a rejected verify
    /// every hundredth).
    pub iterations: u64,
    /// Run the Python leak run.
    pub python: bool,
    /// Run the JVM leak run.
    pub jvm: bool,
    /// Run the JVM's direct path under `-Xcheck:jni`.
    pub jni: bool,
    /// Iterations of the Python run under valgrind (0: no valgrind run).
    pub valgrind_iterations: u64,
}

/// Runs the chosen leak runs and reports each.
pub fn run(ctx: &Ctx, what: &LeakRun) -> anyhow::Result<ExitCode> {
    let mut report = Report::new("leak", "runs");
    let venv = if what.python || what.valgrind_iterations > 0 {
        Some(python_venv(ctx)?)
    } else {
        None
    };
    if let (true, Some(venv)) = (what.python, &venv) {
        report.record("python", python(ctx, venv, what.iterations).into());
    }
    if what.jvm {
        report.record("jvm", jvm(ctx, what.iterations).into());
    }
    if what.jni {
        report.record("jni", jni_check(ctx).into());
    }
    if let (true, Some(venv)) = (what.valgrind_iterations > 0, &venv) {
        let outcome = if on_path("valgrind") {
            valgrind(ctx, venv, what.valgrind_iterations).into()
        } else {
            Outcome::Skipped("no valgrind on PATH; apt-get install valgrind".to_owned())
        };
        report.record("valgrind", outcome);
    }
    Ok(report.finish(false))
}

/// A virtualenv holding the freshly built wheel, and nothing else.
fn python_venv(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    let sh = &ctx.sh;
    let wheel = crate::python::build_wheel(ctx)?;
    let venv = ctx.scratch().join("python-leak-venv");
    if !venv.join("bin/python").exists() {
        cmd!(sh, "python3 -m venv {venv}").run()?;
    }
    let python = venv.join("bin/python");
    cmd!(
        sh,
        "{python} -m pip install --quiet --no-deps --force-reinstall {wheel}"
    )
    .run()?;
    Ok(venv)
}

/// The last line of a leak run's output: its JSON summary, as one line for the report.
fn summary(output: &str) -> anyhow::Result<String> {
    let line = output
        .lines()
        .rev()
        .find(|line| line.starts_with('{'))
        .context("the leak run printed no JSON summary")?;
    let json: serde_json::Value = serde_json::from_str(line)?;
    Ok(format!(
        "{} iterations ({} FFI calls) in {} s; RSS {} KiB after warm-up, {} KiB at the end: growth {} KiB (peak {} KiB, limit {} KiB)",
        json["iterations"],
        json["ffi_calls"],
        json["seconds"],
        json["rss_after_warmup_kib"],
        json["rss_end_kib"],
        json["growth_kib"],
        json["peak_growth_kib"],
        json["limit_kib"]
    ))
}

/// Runs `command`, printing its output as it comes, and fails when it fails; returns the output.
fn run_streaming(command: xshell::Cmd<'_>) -> anyhow::Result<String> {
    let output = command.ignore_status().output()?;
    let stdout = String::from_utf8_lossy(&output.stdout).into_owned();
    print!("{stdout}");
    eprint!("{}", String::from_utf8_lossy(&output.stderr));
    if !output.status.success() {
        bail!(
            "exited with {}: {}",
            output.status,
            summary(&stdout).unwrap_or_default()
        );
    }
    Ok(stdout)
}

fn python(ctx: &Ctx, venv: &Path, iterations: u64) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let python = venv.join("bin/python");
    let script = ctx.path("bindings/python/tools/leak_run.py");
    let calls = iterations.to_string();
    // From outside the repository, so `import userhash` finds the installed wheel only.
    let _outside = sh.push_dir(ctx.scratch());
    summary(&run_streaming(cmd!(
        sh,
        "{python} {script} --iterations {calls}"
    ))?)
}

fn jvm(ctx: &Ctx, iterations: u64) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let classpath = installed_jar_classpath(ctx)?;
    let program = ctx.path("bindings/kotlin/tools/LeakRun.java");
    let calls = iterations.to_string();
    summary(&run_streaming(
        cmd!(
            sh,
            "java {JVM_HEAP...} -XX:NativeMemoryTracking=summary -Dleakrun.nmt=true -cp {classpath} {program} {calls}"
        )
        .env_remove(HOST_LIBRARY_PATH),
    )?)
}

/// Builds and installs the jar, and returns the classpath of the jar and its runtime
/// dependencies, for the single-file programs in bindings/kotlin/tools.
fn installed_jar_classpath(ctx: &Ctx) -> anyhow::Result<std::ffi::OsString> {
    if !(on_path("java") && on_path("mvn")) {
        bail!("no java and mvn on PATH; `cargo xtask test --lang kotlin` installs them");
    }
    crate::build::library(ctx)?;
    crate::kotlin::generate(ctx)?;
    crate::kotlin::install_binding(ctx)?;
    let target = ctx.path(crate::kotlin::BINDING).join("target");
    let mut classpath =
        vec![target.join(format!("userhash-{}.jar", crate::dist::version::VERSION))];
    for entry in std::fs::read_dir(target.join("runtime-dependencies"))? {
        classpath.push(entry?.path());
    }
    Ok(std::env::join_paths(classpath)?)
}

/// The native methods of the JVM's fast lane, as they appear in a Java stack.
const DIRECT_PATH_FRAMES: [&str; 7] = [
    "at dev.userhash.Lane.sign(Native Method)",
    "at dev.userhash.Lane.signPacked(Native Method)",
    "at dev.userhash.Lane.verify(Native Method)",
    "at dev.userhash.Lane.check(Native Method)",
    "at dev.userhash.Lane.payload(Native Method)",
    "at dev.userhash.Lane.payloadUnknownVendor(Native Method)",
    "at dev.userhash.Lane.pending(Native Method)",
];

/// The JVM's direct path under `-Xcheck:jni` (bindings/kotlin/tools/JniCheck.java). The JVM
/// prints each JNI warning on standard output followed by the Java stack; a warning counts
/// against userhash when that stack passes through the direct path's native methods. JNA's own
/// dispatch draws a warning on every generated call, which is why the bare count is no verdict.
fn jni_check(ctx: &Ctx) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let classpath = installed_jar_classpath(ctx)?;
    let program = ctx.path("bindings/kotlin/tools/JniCheck.java");
    let output = cmd!(sh, "java -Xcheck:jni -cp {classpath} {program}")
        .env_remove(HOST_LIBRARY_PATH)
        .ignore_status()
        .output()?;
    let stdout = String::from_utf8_lossy(&output.stdout);
    let stderr = String::from_utf8_lossy(&output.stderr);
    let last = stderr.lines().last().unwrap_or_default().to_owned();
    if !output.status.success() || !last.starts_with("jni-check: ") {
        bail!("the JNI check exited with {}: {last}", output.status);
    }
    let (total, ours) = jni_warnings(&stdout);
    if let Some(first) = ours.first() {
        bail!(
            "{} of {total} JNI warnings pass through the direct path; the first:\n{first}",
            ours.len()
        );
    }
    Ok(format!(
        "{}; 0 of {total} -Xcheck:jni warnings pass through the direct path's native methods \
         (the rest come from JNA's dispatch of generated calls)",
        last.trim_start_matches("jni-check: ")
    ))
}

/// The number of JNI warnings in the JVM's output, and the text of those whose stack passes
/// through the direct path. A warning is its `WARNING` line and the stack lines after it.
fn jni_warnings(output: &str) -> (usize, Vec<String>) {
    let mut total = 0;
    let mut ours = Vec::new();
    let mut current: Option<String> = None;
    let finish = |warning: Option<String>, ours: &mut Vec<String>| {
        if let Some(text) = warning
            && DIRECT_PATH_FRAMES.iter().any(|frame| text.contains(frame))
        {
            ours.push(text);
        }
    };
    for line in output.lines() {
        if line.starts_with("WARNING") {
            finish(current.take(), &mut ours);
            total += 1;
            current = Some(line.to_owned());
        } else if let Some(text) = current.as_mut()
            && line.starts_with(char::is_whitespace)
        {
            text.push('\n');
            text.push_str(line);
        } else {
            finish(current.take(), &mut ours);
        }
    }
    finish(current, &mut ours);
    (total, ours)
}

/// The Python leak run, small, under memcheck with Python's allocator switched to malloc (so
/// memcheck sees every allocation). Python leaves memory "possibly lost" and some "definitely
/// lost" at exit by design (interned objects, static types); a record counts against userhash
/// only when its allocation stack passes through the library. Run twice, with no calls and with
/// `iterations`, so that anything that grows with the calls stands out.
fn valgrind(ctx: &Ctx, venv: &Path, iterations: u64) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    let python = venv.join("bin/python");
    let script = ctx.path("bindings/python/tools/leak_run.py");
    let _outside = sh.push_dir(ctx.scratch());
    let mut notes = Vec::new();
    for calls in [0, iterations] {
        let log = ctx.scratch().join(format!("valgrind-python-{calls}.log"));
        let log_arg = format!("--log-file={}", log.display());
        let calls_arg = calls.to_string();
        let warmup = (calls / 2).to_string();
        cmd!(
            sh,
            "valgrind --tool=memcheck --leak-check=full --show-leak-kinds=definite,indirect,possible --num-callers=50 {log_arg} {python} {script} --iterations {calls_arg} --warmup {warmup} --samples 1 --limit-mb 1000"
        )
        .env("PYTHONMALLOC", "malloc")
        .run()?;
        let text = std::fs::read_to_string(&log)?;
        let (ours, records) = attributable(&text, "definitely lost");
        let (possibly, possible_records) = attributable(&text, "possibly lost");
        let total = leak_summary(&text, "definitely lost:").unwrap_or_else(|| "?".to_owned());
        let total_possibly =
            leak_summary(&text, "possibly lost:").unwrap_or_else(|| "?".to_owned());
        notes.push(format!(
            "{calls} iterations: definitely lost {total} in all, {ours} bytes in {records} record(s) through userhash; possibly lost {total_possibly} in all, {possibly} bytes in {possible_records} record(s) through userhash (log {})",
            log.display()
        ));
        if ours > 0 {
            bail!("userhash leaks: {}", notes.join("; "));
        }
    }
    Ok(notes.join("; "))
}

/// The bytes and records of the loss records of `kind` ("definitely lost", "possibly lost")
/// whose allocation stack names the library (its exported `uniffi_userhash_*` functions or its
/// Rust symbols).
fn attributable(log: &str, kind: &str) -> (u64, usize) {
    let header = format!("are {kind} in loss record");
    let mut bytes = 0;
    let mut records = 0;
    // A loss record is a paragraph: "==pid== N bytes in M blocks are definitely lost in loss
    // record ..." (or "N (D direct, I indirect) bytes ...": N is the total), then its stack, one
    // frame a line, up to a bare "==pid==" line.
    let mut current: Option<(u64, bool)> = None;
    for line in log.lines() {
        let body = line.split_once("==").map_or(line, |(_, rest)| rest);
        let body = body.split_once("==").map_or(body, |(_, rest)| rest).trim();
        if body.contains(" in loss record ") {
            if let Some((lost, true)) = current.take() {
                bytes += lost;
                records += 1;
            }
            if body.contains(&header) {
                let lost = body
                    .split_whitespace()
                    .next()
                    .and_then(|n| n.replace(',', "").parse().ok())
                    .unwrap_or(0);
                current = Some((lost, false));
            }
        } else if body.is_empty() {
            if let Some((lost, true)) = current.take() {
                bytes += lost;
                records += 1;
            }
            current = None;
        } else if let Some((_, ours)) = current.as_mut()
            && (body.contains("userhash") || body.contains("uniffi"))
        {
            *ours = true;
        }
    }
    if let Some((lost, true)) = current {
        bytes += lost;
        records += 1;
    }
    (bytes, records)
}

/// One line of memcheck's LEAK SUMMARY, e.g. "definitely lost: 1,234 bytes in 5 blocks".
fn leak_summary(log: &str, kind: &str) -> Option<String> {
    log.lines()
        .find_map(|line| line.split_once(kind))
        .map(|(_, rest)| rest.trim().to_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn jni_warnings_are_attributed_by_their_stack() {
        let output = "\
WARNING in native method: JNI call made without checking exceptions when required to from CallVoidMethod
\tat dev.userhash.UniffiLib.uniffi_userhash_ffi_fn_clone_signer(Native Method)
\tat dev.userhash.Signer.uniffiCloneHandle(userhash.kt:2790)
a token
WARNING in native method: something else
\tat dev.userhash.Lane.sign(Native Method)
\tat dev.userhash.ExtensionsKt.sign(Extensions.kt:71)
WARNING: JNI local refs: 33, exceeds capacity: 32
\tat jdk.internal.loader.NativeLibraries.load(java.base@17.0.15/Native Method)
";
        let (total, ours) = jni_warnings(output);
        assert_eq!(total, 3);
        assert_eq!(ours.len(), 1);
        assert!(ours[0].starts_with("WARNING in native method: something else\n"));
        assert!(ours[0].ends_with("(Extensions.kt:71)"));
        assert_eq!(jni_warnings(""), (0, Vec::new()));
    }

    const LOG: &str = "\
==7== HEAP SUMMARY:
==7== 
==7== 64 bytes in 1 blocks are definitely lost in loss record 3 of 9
==7==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==7==    by 0x6A1: alloc::raw_vec::finish_grow (in /venv/userhash/_ffi/libuserhash_ffi.so)
==7==    by 0x6A2: uniffi_userhash_ffi_fn_method_signer_sign (in /venv/userhash/_ffi/libuserhash_ffi.so)
==7== 
==7== 1,024 (16 direct, 1,008 indirect) bytes in 1 blocks are definitely lost in loss record 5 of 9
==7==    at 0x48417B4: malloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==7==    by 0x49D80C0: _PyLong_New (longobject.c:161)
==7== 
==7== 8 bytes in 1 blocks are possibly lost in loss record 7 of 9
==7==    at 0x48465EF: calloc (in /usr/libexec/valgrind/vgpreload_memcheck-amd64-linux.so)
==7==    by 0x6A3: uniffi_userhash_ffi_fn_constructor_signer_new (in /venv/libuserhash_ffi.so)
==7== 
==7== LEAK SUMMARY:
==7==    definitely lost: 80 bytes in 2 blocks
";

    #[test]
    fn loss_records_count_against_userhash_only_through_its_frames() {
        assert_eq!(attributable(LOG, "definitely lost"), (64, 1));
        assert_eq!(attributable(LOG, "possibly lost"), (8, 1));
        assert_eq!(
            leak_summary(LOG, "definitely lost:").as_deref(),
            Some("80 bytes in 2 blocks")
        );
    }
}

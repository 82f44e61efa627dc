//! The Swift binding (SwiftPM): the Rust library is built on the host, then `swift` builds and
//! tests `bindings/swift` and `examples/swift` — the `swift` on PATH, or, on a Debian host that
//! has none, the one inside a cached Debian trixie chroot (see `swift/toolchain.rs`). Beside it,
//! the benchmark's driver (`swift/bench.rs`).
//!
//! Linking: the modulemap links `userhash_ffi`, and SwiftPM is given a directory holding only
//! `libuserhash_ffi.a` (`-Xlinker -L<dir>`), so the static library is linked and the test and
//! example binaries run without `LD_LIBRARY_PATH`.

pub(crate) mod bench;
mod toolchain;

use std::ffi::OsString;
use std::hash::{DefaultHasher, Hash as _, Hasher as _};
use std::path::{Path, PathBuf};

use anyhow::Context as _;

use crate::report::Outcome;
use crate::workspace::Ctx;
use toolchain::Swift;

/// The SwiftPM package of the binding.
const PACKAGE: &str = "bindings/swift";
/// The example, a SwiftPM package depending on the binding by path.
const EXAMPLE: &str = "examples/swift";
/// The static library SwiftPM links.
const STATIC_LIB: &str = "libuserhash_ffi.a";
/// What uniffi-bindgen generates, and where each file goes in the package.
const GENERATED: [(&str, &str); 2] = [
    ("UserHash.swift", "Sources/UserHash/UserHash.swift"),
    ("UserHashFFI.h", "Sources/UserHashFFI/include/UserHashFFI.h"),
];

/// Generates the Swift bindings into the SwiftPM package (gitignored). A file is rewritten only
/// when its content changed, so SwiftPM recompiles only what did.
pub fn generate(ctx: &Ctx) -> anyhow::Result<()> {
    let out = ctx.scratch().join("swift/generated");
    if out.exists() {
        std::fs::remove_dir_all(&out)?;
    }
    std::fs::create_dir_all(&out)?;
    crate::build::bindgen(ctx, "swift", &out)?;
    for (file, destination) in GENERATED {
        let generated = std::fs::read(out.join(file))
            .with_context(|| format!("uniffi-bindgen did not write {file}"))?;
        let destination = ctx.path(PACKAGE).join(destination);
        if std::fs::read(&destination).ok().as_deref() != Some(generated.as_slice()) {
            std::fs::create_dir_all(destination.parent().context("a file has a parent")?)?;
            std::fs::write(&destination, generated)?;
        }
    }
    Ok(())
}

/// Runs the binding's XCTest suite (every shared vector, typed errors, one Signer shared by 8
/// tasks) and the example's tests.
pub fn test(ctx: &Ctx) -> Outcome {
    let swift = match Swift::find(ctx) {
        Ok(Ok(swift)) => swift,
        Ok(Err(reason)) => return Outcome::Skipped(reason),
        Err(error) => return Outcome::Failed(error),
    };
    let run = || -> anyhow::Result<String> {
        let lib = prepare(ctx)?;
        let vectors = ctx.path("testdata/vectors").into_os_string();
        // The suites are XCTest. Swift 6 would also run an empty Swift Testing pass whose
        // closing line ("Test run with 0 tests passed") reads as if nothing ran; skip it where
        // the toolchain knows the flag (older ones do not run Swift Testing at all).
        let help = swift.read(ctx, &["test".into(), "--help".into()], &[])?;
        let xctest_only = |mut args: Vec<OsString>| {
            if help.contains("--disable-swift-testing") {
                args.push("--disable-swift-testing".into());
            }
            args
        };
        swift.run(
            ctx,
            &xctest_only(swiftpm(ctx, "test", PACKAGE, &lib)),
            &[("USERHASH_VECTORS_DIR", vectors)],
        )?;
        swift.run(ctx, &xctest_only(swiftpm(ctx, "test", EXAMPLE, &lib)), &[])?;
        // The benchmark still builds and runs (tiny counts; figures not judged).
        bench::run_executable(ctx, &swift, &lib, true)
            .context("the Swift benchmark's smoke run")?;
        Ok(format!(
            "Rust built on the host; swift test of {PACKAGE} (every vector) and {EXAMPLE} ran with {}; {STATIC_LIB} linked statically; bench smoke",
            swift.place()
        ))
    };
    run().into()
}

/// Runs the Swift demo (`userhash-example demo examples/demo.json`), or `None` when no Swift can
/// be had here.
pub fn demo(ctx: &Ctx) -> anyhow::Result<Option<String>> {
    let Some((swift, lib)) = ready(ctx)? else {
        return Ok(None);
    };
    let mut build = swiftpm(ctx, "build", EXAMPLE, &lib);
    build.extend(["--product".into(), "userhash-example".into()]);
    swift.run(ctx, &build, &[])?;
    let mut run = swiftpm(ctx, "run", EXAMPLE, &lib);
    run.push("--skip-build".into());
    run.extend([
        "userhash-example".into(),
        "demo".into(),
        ctx.path("examples/demo.json").into(),
    ]);
    Ok(Some(swift.read(ctx, &run, &[])?))
}

/// A Swift toolchain and the staged static library for the demo and the benchmark, or `None`,
/// with the reason printed, when no Swift can be had here (they are optional; `test` reports
/// the same case as skipped).
fn ready(ctx: &Ctx) -> anyhow::Result<Option<(Swift, PathBuf)>> {
    match Swift::find(ctx)? {
        Ok(swift) => Ok(Some((swift, prepare(ctx)?))),
        Err(reason) => {
            eprintln!("swift: {reason}");
            Ok(None)
        }
    }
}

/// Builds the release library on the host, generates the bindings, and stages the static
/// library alone in a directory for `-Xlinker -L`; returns that directory.
fn prepare(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    crate::build::library(ctx)?;
    generate(ctx)?;
    stage_static_library(ctx)
}

/// Copies `libuserhash_ffi.a` into `target/xtask/swift/lib/<content hash>/`, alone: with the
/// `.so` beside it the linker would pick the shared library. The directory changes with the
/// content because SwiftPM does not track libraries given with `-L`: a new `-L` path is what makes
/// it relink against a rebuilt library.
fn stage_static_library(ctx: &Ctx) -> anyhow::Result<PathBuf> {
    let built = ctx.target().join("release").join(STATIC_LIB);
    let bytes = std::fs::read(&built).with_context(|| format!("reading {}", built.display()))?;
    let mut hasher = DefaultHasher::new();
    bytes.hash(&mut hasher);
    let libs = ctx.scratch().join("swift/lib");
    let dir = libs.join(format!("{:016x}", hasher.finish()));
    if !dir.join(STATIC_LIB).exists() {
        std::fs::create_dir_all(&dir)?;
        let partial = dir.join(format!("{STATIC_LIB}.partial"));
        std::fs::write(&partial, &bytes)?;
        std::fs::rename(&partial, dir.join(STATIC_LIB))?;
    }
    for entry in std::fs::read_dir(&libs)? {
        let path = entry?.path();
        if path.is_dir() && path != dir {
            std::fs::remove_dir_all(&path)?;
        } else if path.is_file() {
            std::fs::remove_file(&path)?;
        }
    }
    Ok(dir)
}

/// `swift <subcommand>` on a package, with xtask's scratch path and the library directory.
fn swiftpm(ctx: &Ctx, subcommand: &str, package: &str, lib: &Path) -> Vec<OsString> {
    let scratch = ctx
        .scratch()
        .join("swift/build")
        .join(package.replace('/', "-"));
    let mut linker_path = OsString::from("-L");
    linker_path.push(lib);
    vec![
        subcommand.into(),
        "--package-path".into(),
        ctx.path(package).into(),
        "--scratch-path".into(),
        scratch.into(),
        "-Xlinker".into(),
        linker_path,
    ]
}

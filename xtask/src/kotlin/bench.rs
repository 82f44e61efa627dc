//! The JVM modules' benchmark for `cargo xtask bench` (and, as a smoke, `test`'s): the JMH
//! project `bindings/kotlin/bench` against the installed jars, its JSON results made into rows
//! against `javax.crypto.Mac` and the core's batch.

use std::path::Path;

use anyhow::Context as _;
use serde_json::Value;
use xshell::cmd;

use super::{HOST_LIBRARY_PATH, REACTOR, ensure_jvm_toolchain, prepare};
use crate::bench::{Row, Section};
use crate::rust::bench::Core;
use crate::workspace::Ctx;

/// The JMH benchmarks, a Maven project of their own depending on the installed jar.
const PROJECT: &str = "bindings/kotlin/bench";
/// JMH options for a smoke run: one short iteration of each benchmark, no warm-up.
const SMOKE: [&str; 8] = ["-f", "1", "-wi", "0", "-i", "1", "-r", "100ms"];

/// Installs every JVM module (the benchmarks measure the Spring Boot filter too), then runs JMH,
/// writing its JSON results to `results`.
fn install_and_run(ctx: &Ctx, quick: bool, results: &Path) -> anyhow::Result<()> {
    prepare(ctx)?;
    let sh = &ctx.sh;
    let reactor = ctx.path(REACTOR).join("pom.xml");
    cmd!(sh, "mvn -B -q -ntp -f {reactor} install -DskipTests")
        .env_remove(HOST_LIBRARY_PATH)
        .run()
        .context("installing the JVM modules")?;
    run_jmh(ctx, quick, results)
}

/// Packages and runs the JMH benchmarks against the jar installed in the local repository.
pub(crate) fn run_jmh(ctx: &Ctx, quick: bool, results: &Path) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    let bench = ctx.path(PROJECT).join("pom.xml");
    cmd!(sh, "mvn -B -q -ntp -f {bench} package")
        .env_remove(HOST_LIBRARY_PATH)
        .run()
        .context("packaging the JMH benchmarks")?;
    let jar = ctx.path(PROJECT).join("target/benchmarks.jar");
    let smoke: &[&str] = if quick { &SMOKE } else { &[] };
    // JMH takes a machine-wide lock so that two measuring runs do not skew each other; a smoke
    // run measures nothing, and must not fail because someone else's JMH holds the lock.
    let ignore_lock: &[&str] = if quick {
        &["-Djmh.ignoreLock=true"]
    } else {
        &[]
    };
    cmd!(
        sh,
        "java {ignore_lock...} -jar {jar} -rf json -rff {results} {smoke...}"
    )
    .env_remove(HOST_LIBRARY_PATH)
    .run()
    .context("the JMH benchmarks")?;
    Ok(())
}

/// Installs the JVM modules, runs JMH and makes the Kotlin/JVM section; `None` only when no JDK
/// and Maven can be had on this machine.
pub(crate) fn section(
    ctx: &Ctx,
    quick: bool,
    scratch: &Path,
    core: &Core,
) -> anyhow::Result<Option<Section>> {
    let results = scratch.join("jmh.json");
    if ensure_jvm_toolchain(ctx).is_err() {
        return Ok(None);
    }
    install_and_run(ctx, quick, &results)?;
    let text = std::fs::read_to_string(&results)?;
    let json: Value = serde_json::from_str(&text).context("JMH's JSON results")?;
    Ok(Some(Section {
        title: "Kotlin/JVM (bindings/kotlin/bench, JMH)",
        rows: rows(&json, core)?,
        notes: vec![LANE_NOTE.to_owned(), FILTER_NOTE.to_owned()],
    }))
}

/// The JVM rows, each against `javax.crypto.Mac` (or, for `signMany`, the core's batch).
fn rows(json: &Value, core: &Core) -> anyhow::Result<Vec<Row>> {
    let get = |name: &str| jmh_median(json, name);
    let reused = get("macReused")?;
    let verify_baseline = get("macVerifyReused")?;
    const REUSED: &str = "`javax.crypto.Mac`, reused, + `HexFormat`";
    const VERIFY: &str = "`javax.crypto.Mac`, reused, + `HexFormat` + `MessageDigest.isEqual`";
    let direct = get("userhashSignDirect")?;
    let rows = vec![
        Row::new(
            "`signer.sign(userId)` / `sign(identity)` (fast lane, one JNI call, 41-byte id)",
            direct,
            REUSED,
            reused,
        )
        .target(1.5, "≤ 1.5×"),
        Row::new(
            "`verifier.verify(identity, token)` (fast lane)",
            get("userhashVerify")?,
            VERIFY,
            verify_baseline,
        )
        .target(2.0, "≤ 2×"),
        Row::new(
            "`gate.check(identity, token)` under enforce (fast lane)",
            get("userhashCheck")?,
            VERIFY,
            verify_baseline,
        )
        .target(2.0, "≤ 2×"),
        Row::new(
            "Spring Boot `UserHashGateFilter`: what it adds to a request (enforce, a genuine \
             token: the headers, the user, the lane's gate check, the counts, the Micrometer \
             counter, the decision on the request)",
            get("springFilter")? - get("springChainOnly")?,
            VERIFY,
            verify_baseline,
        )
        .target(3.0, "≤ 3×"),
        Row::new(
            "`signer.sign(userId)` (fast lane)",
            direct,
            "`javax.crypto.Mac`, made per call, + `HexFormat`",
            get("macPerCall")?,
        ),
        Row::new(
            "`signer.signUniffi(identity)` (the generated call, through JNA)",
            get("userhashSign")?,
            REUSED,
            reused,
        ),
        Row::new(
            "`verifier.verifyUniffi(...)` (the generated call, through JNA)",
            get("userhashVerifyGenerated")?,
            VERIFY,
            verify_baseline,
        ),
        Row::new(
            "`gate.checkUniffi(...)` (the generated call, through JNA)",
            get("userhashCheckGenerated")?,
            VERIFY,
            verify_baseline,
        ),
        Row::new(
            "`signer.fingerprint()` (generated: no argument, returns a String; the floor of a JNA call)",
            get("userhashCallFloor")?,
            REUSED,
            reused,
        ),
        Row::new(
            "`signMany` (one lane call), 100,000 ids, per id",
            get("userhashSignMany")?,
            "a loop over one reused `Mac`, per id",
            get("macReusedLoop")?,
        )
        .target(0.2, "≤ 0.20× (≥ 5× faster)"),
        Row::new(
            "`signMany` (one lane call), 100,000 ids, per id",
            get("userhashSignMany")?,
            "the Rust core's `sign_batch`, all cores, per id",
            core.median("batch/all_cores")? / 100_000.0,
        )
        .target(1.3, "≤ 1.3×"),
    ];
    Ok(rows)
}

/// How the hot calls reach the library (the JNI lane) and what the generated calls cost.
const LANE_NOTE: &str = "JMH 1.37, average time, median of the measurement iterations. The hot calls — \
         `signer.sign(...)`, `signMany`, `verifier.verify` / `verifyAt`, `gate.check` / `checkAt` \
         — take the fast lane (bindings/kotlin/userhash/src/main/kotlin/dev/userhash/Lane.kt): one JNI \
         call into the library's own lane (crates/userhash-ffi/src/jni.rs), the strings read in \
         place, the lane's own handle (fetched once per object), and one text back, parsed into \
         the generated record. Every other method, and the generated versions of the hot calls \
         (renamed `signUniffi`, `verifyUniffi`, `checkUniffi`, ...), call through JNA: each call \
         builds JNA `Structure`s for the call status, the argument buffers and the returned \
         buffer, clones the handle in a second native call and frees the returned buffer in a \
         third; the `fingerprint()` row is that floor. JNI rather than the Foreign Function & \
         Memory API: FFM needs Java 22+, the jar supports 17, and a fresh machine can install \
         only Debian's JDK 17 through the project's scripts; the JNI lane meets the targets it \
         meets on 17 alone (see the rows).";

/// What the Spring Boot filter's row measures.
const FILTER_NOTE: &str = "The filter's row is `FilterBenchmark`: one request through `UserHashGateFilter` \
         (bindings/kotlin/userhash-spring-boot-autoconfigure) to a chain that does nothing, less \
         the same request to that chain alone, with Spring's mock servlet request and response \
         reused (a server's own cost is in neither).";

/// The median (50th percentile of the iterations) of a JMH benchmark named `...SignBenchmark.name`.
fn jmh_median(json: &Value, name: &str) -> anyhow::Result<f64> {
    let suffix = format!(".{name}");
    let entry = json
        .as_array()
        .into_iter()
        .flatten()
        .find(|entry| {
            entry["benchmark"]
                .as_str()
                .is_some_and(|id| id.ends_with(&suffix))
        })
        .with_context(|| format!("JMH ran no benchmark {name}"))?;
    let metric = &entry["primaryMetric"];
    metric["scorePercentiles"]["50.0"]
        .as_f64()
        .or_else(|| metric["score"].as_f64())
        .with_context(|| format!("JMH gave no score for {name}"))
}

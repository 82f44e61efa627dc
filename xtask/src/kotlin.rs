//! The JVM modules: the Maven reactor `bindings/kotlin` (the binding jar `dev.userhash:userhash`
//! in `bindings/kotlin/userhash`, and the modules beside it) and the example server
//! `examples/kotlin`, which depends on the jar like any other server would.
//!
//! The generated Kotlin and the native library are build products (gitignored): `generate` puts
//! them into the binding's module; then Maven compiles, runs the JUnit suites and packages every
//! module in dependency order. A JDK
//! (>= 17) and Maven are installed with apt-get when missing; Maven fetches its plugins and
//! dependencies from Maven Central into `~/.m2` on the first run. Beside it, the JMH benchmarks'
//! driver (`kotlin/bench.rs`).

pub(crate) mod bench;

use anyhow::Context as _;
use xshell::cmd;

use crate::report::Outcome;
use crate::workspace::{Ctx, on_path};

/// The Maven reactor: its `pom.xml` builds every JVM module.
pub(crate) const REACTOR: &str = "bindings/kotlin";
/// The binding jar's module (`dev.userhash:userhash`), inside the reactor.
pub(crate) const BINDING: &str = "bindings/kotlin/userhash";
/// The example server (and the demo), a separate Maven project depending on the installed jar.
const EXAMPLE: &str = "examples/kotlin";
/// The Spring Boot example, a Spring Boot application depending on the installed starter.
const SPRING_EXAMPLE: &str = "examples/spring";
/// The Spring Boot example's walk through itself over HTTP, and its classpath file.
const SPRING_DEMO_MAIN: &str = "dev.userhash.example.spring.WebDemo";
const SPRING_EXAMPLE_CLASSPATH: &str = "examples/spring/target/classpath.txt";
/// The demo secrets the Spring Boot example's application.yml names (as its tests set them).
const SPRING_DEMO_SECRETS: [(&str, &str); 3] = [
    ("MESSENGER_INTERCOM_WEB_SECRET", "demo-intercom-web-secret"),
    ("MESSENGER_INTERCOM_IOS_SECRET", "demo-intercom-ios-secret"),
    ("MESSENGER_ZENDESK_SECRET", "demo-zendesk-messaging-secret"),
];
/// Where the generated package lands (uniffi writes `dev/userhash/userhash.kt` under it).
const GENERATED_ROOT: &str = "bindings/kotlin/userhash/src/main/kotlin";
/// Where JNA looks for the library on the classpath of a linux-x86-64 JVM.
const NATIVE_DIR: &str = "bindings/kotlin/userhash/src/main/resources/linux-x86-64";
/// `cargo run` (how `cargo xtask` starts) puts target/debug on this variable, and JNA tries
/// `dlopen` — which searches it — before the library inside the jar; the JVM steps drop it so
/// the jar under test loads its own library, not whatever sits in target/debug.
pub(crate) const HOST_LIBRARY_PATH: &str = "LD_LIBRARY_PATH";

/// The demo's main class, and the classpath file `mvn package` writes for it.
const DEMO_MAIN: &str = "dev.userhash.example.DemoKt";
const EXAMPLE_CLASSPATH: &str = "examples/kotlin/target/classpath.txt";
/// The oldest JDK the jar targets.
const MIN_JDK: u32 = 17;

/// Generates the Kotlin bindings from the release cdylib into the Maven project, and puts the
/// cdylib where the jar carries it (`linux-x86-64/`). The library must be built already
/// (`build::library`).
pub fn generate(ctx: &Ctx) -> anyhow::Result<()> {
    let library = ctx.cdylib();
    anyhow::ensure!(
        library.is_file(),
        "{} is missing: build it with `cargo build --release -p userhash-ffi`",
        library.display()
    );
    let root = ctx.path(GENERATED_ROOT);
    let generated = root.join("dev/userhash/userhash.kt");
    if generated.exists() {
        std::fs::remove_file(&generated)?;
    }
    crate::build::bindgen(ctx, "kotlin", &root)?;
    anyhow::ensure!(
        generated.is_file(),
        "uniffi-bindgen wrote no {}",
        generated.display()
    );
    let native = ctx.path(NATIVE_DIR);
    std::fs::create_dir_all(&native)?;
    std::fs::copy(&library, native.join("libuserhash_ffi.so"))
        .with_context(|| format!("copying {} into {}", library.display(), native.display()))?;
    Ok(())
}

/// Builds the library and the bindings, then `mvn install` of the reactor (the binding's JUnit
/// suite over every vector, exceptions, threads and the Java API under Surefire, the packaged jar
/// run alone with its dependencies under Failsafe; then the web modules: the Spring Boot
/// auto-configuration's and the Ktor plugin's test sites over real HTTP), then the examples'
/// suites over loopback HTTP against the installed jars.
pub fn test(ctx: &Ctx) -> Outcome {
    if let Err(reason) = ensure_jvm_toolchain(ctx) {
        return Outcome::Skipped(reason);
    }
    let run = || -> anyhow::Result<String> {
        let sh = &ctx.sh;
        prepare(ctx)?;
        let reactor = ctx.path(REACTOR).join("pom.xml");
        let example = ctx.path(EXAMPLE).join("pom.xml");
        cmd!(sh, "mvn -B -ntp -f {reactor} install")
            .env_remove(HOST_LIBRARY_PATH)
            .run()
            .context("the JVM reactor's Maven build")?;
        cmd!(sh, "mvn -B -ntp -f {example} verify")
            .env_remove(HOST_LIBRARY_PATH)
            .run()
            .context("the Kotlin example's Maven build")?;
        let spring = ctx.path(SPRING_EXAMPLE).join("pom.xml");
        cmd!(sh, "mvn -B -ntp -f {spring} verify")
            .env_remove(HOST_LIBRARY_PATH)
            .run()
            .context("the Spring Boot example's Maven build")?;
        // The JMH benchmarks still build and run (one short iteration; figures not judged).
        let smoke = ctx.scratch().join("bench/jmh-smoke.json");
        std::fs::create_dir_all(ctx.scratch().join("bench"))?;
        bench::run_jmh(ctx, true, &smoke).context("the JMH benchmarks' smoke run")?;
        Ok("mvn install (JUnit vectors, exceptions, threads, Java API; the jar alone on a classpath; Spring Boot and Ktor test sites over HTTP); example servers (JDK, Spring Boot) over loopback; JMH smoke".to_owned())
    };
    run().into()
}

/// Runs the Kotlin demo over `examples/demo.json`; its stdout is the demo's JSON lines. Then
/// shows the Spring Boot example answering over HTTP: started on a free port, its page's payload
/// used against its gate, a tampered copy refused (printed here, not part of the table). `None`
/// only when no JDK and Maven can be had on this machine.
pub fn demo(ctx: &Ctx) -> anyhow::Result<Option<String>> {
    if ensure_jvm_toolchain(ctx).is_err() {
        return Ok(None);
    }
    let sh = &ctx.sh;
    prepare(ctx)?;
    let reactor = ctx.path(REACTOR).join("pom.xml");
    let example = ctx.path(EXAMPLE).join("pom.xml");
    let spring = ctx.path(SPRING_EXAMPLE).join("pom.xml");
    // The suites are `test`'s job; here only the jars and the examples' classes are needed.
    cmd!(sh, "mvn -B -q -ntp -f {reactor} install -DskipTests")
        .env_remove(HOST_LIBRARY_PATH)
        .run()?;
    for pom in [&example, &spring] {
        cmd!(sh, "mvn -B -q -ntp -f {pom} package -DskipTests")
            .env_remove(HOST_LIBRARY_PATH)
            .run()?;
    }
    let classpath = format!(
        "{}:{}",
        ctx.path(EXAMPLE).join("target/classes").display(),
        std::fs::read_to_string(ctx.path(EXAMPLE_CLASSPATH))?.trim()
    );
    let demo_json = ctx.path("examples/demo.json");
    let tokens = cmd!(sh, "java -cp {classpath} {DEMO_MAIN} {demo_json}")
        .env_remove(HOST_LIBRARY_PATH)
        .read()?;
    let spring_classpath = format!(
        "{}:{}",
        ctx.path(SPRING_EXAMPLE).join("target/classes").display(),
        std::fs::read_to_string(ctx.path(SPRING_EXAMPLE_CLASSPATH))?.trim()
    );
    let mut web =
        cmd!(sh, "java -cp {spring_classpath} {SPRING_DEMO_MAIN}").env_remove(HOST_LIBRARY_PATH);
    for (name, secret) in SPRING_DEMO_SECRETS {
        web = web.env(name, secret);
    }
    let example = web.read().context("the Spring Boot example's demo")?;
    println!("{example}");
    Ok(Some(tokens))
}

/// Installs the binding jar (and the reactor's parent POM, which the jar's POM names) into the
/// local Maven repository without running its suites; the bindings must be generated already.
pub(crate) fn install_binding(ctx: &Ctx) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    let reactor = ctx.path(REACTOR).join("pom.xml");
    cmd!(
        sh,
        "mvn -B -q -ntp -f {reactor} install -DskipTests --projects userhash --also-make"
    )
    .env_remove(HOST_LIBRARY_PATH)
    .run()
    .context("installing the binding jar")?;
    Ok(())
}

/// The release library, then the generated bindings and the library inside the Maven project.
pub(crate) fn prepare(ctx: &Ctx) -> anyhow::Result<()> {
    crate::build::library(ctx)?;
    generate(ctx)
}

/// Makes sure `java`, `javac` (JDK >= 17) and `mvn` are on PATH, installing Debian's
/// `default-jdk-headless` and `maven` with apt-get when they are missing; the error is the reason
/// to skip.
pub(crate) fn ensure_jvm_toolchain(ctx: &Ctx) -> Result<(), String> {
    let missing = || {
        ["java", "javac", "mvn"]
            .into_iter()
            .filter(|tool| !on_path(tool))
            .collect::<Vec<_>>()
    };
    if !missing().is_empty() {
        let wanted = format!(
            "a JDK >= {MIN_JDK} and Maven (missing: {}); install e.g. Debian's default-jdk-headless and maven",
            missing().join(", ")
        );
        if !on_path("apt-get") {
            return Err(format!("no {wanted}"));
        }
        eprintln!(
            "xtask: {} not on PATH; installing default-jdk-headless and maven with apt-get",
            missing().join(", ")
        );
        apt_install(ctx).map_err(|error| format!("no {wanted}; apt-get failed: {error:#}"))?;
        if !missing().is_empty() {
            return Err(format!("no {wanted}, even after apt-get"));
        }
    }
    match jdk_major(ctx) {
        Ok(major) if major >= MIN_JDK => Ok(()),
        Ok(major) => Err(format!(
            "javac is JDK {major}; the Kotlin binding needs JDK >= {MIN_JDK}"
        )),
        Err(error) => Err(format!("cannot tell the JDK's version: {error:#}")),
    }
}

fn apt_install(ctx: &Ctx) -> anyhow::Result<()> {
    let sh = &ctx.sh;
    cmd!(sh, "apt-get update -qq").run()?;
    cmd!(
        sh,
        "apt-get install -y -qq --no-install-recommends default-jdk-headless maven"
    )
    .run()?;
    Ok(())
}

/// The major version of `javac` (`javac 17.0.15` → 17).
fn jdk_major(ctx: &Ctx) -> anyhow::Result<u32> {
    let sh = &ctx.sh;
    let output = cmd!(sh, "javac -version").quiet().output()?;
    // javac prints its version on stdout since JDK 9, on stderr before.
    let text = format!(
        "{}{}",
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr)
    );
    let version = text
        .split_whitespace()
        .nth(1)
        .with_context(|| format!("unexpected `javac -version`: {text:?}"))?;
    let mut parts = version.split(['.', '-', '+']);
    let first: u32 = parts
        .next()
        .unwrap_or_default()
        .parse()
        .with_context(|| format!("unexpected version {version:?}"))?;
    if first == 1 {
        // 1.8.0_392 is JDK 8.
        return Ok(parts.next().unwrap_or_default().parse().unwrap_or(0));
    }
    Ok(first)
}

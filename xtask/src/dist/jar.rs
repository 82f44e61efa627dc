//! The jar: one `dev.userhash:userhash` holding the native library for each platform under JNA's
//! folder names, built by Maven from its module `bindings/kotlin/userhash` of the JVM reactor,
//! with the release libraries put where the normal build puts the host's. With `release`, Maven's `release` profile adds the javadoc jar
//! (the sources jar is always built).

use std::path::{Path, PathBuf};

use anyhow::{Context as _, ensure};
use xshell::cmd;

use super::build::{Built, X86_64, copy_tree, fresh_dir};
use super::smoke::JvmRun;
use crate::workspace::Ctx;

/// The Maven module of the jar.
const PROJECT: &str = crate::kotlin::BINDING;
/// The reactor's POM: the jar's parent, which holds the versions (JUnit's among them).
const REACTOR_POM: &str = "bindings/kotlin/pom.xml";
/// Where the native libraries go, one folder per platform (gitignored).
const RESOURCES: &str = "bindings/kotlin/userhash/src/main/resources";
/// Maven's run of the JUnit console launcher; the version follows the pom's JUnit (5.x.y →
/// platform 1.x.y).
const CONSOLE: &str = "org.junit.platform:junit-platform-console-standalone";
/// As `kotlin.rs`: `cargo run` puts target/debug on it, and JNA would load from there.
const HOST_LIBRARY_PATH: &str = "LD_LIBRARY_PATH";

/// What Maven made.
pub struct Jar {
    /// The jar, the sources jar and (with `release`) the javadoc jar.
    pub jars: Vec<PathBuf>,
    /// Everything a JVM outside Maven needs to run the tests against the jar.
    pub run: JvmRun,
}

/// Packages the jar with `libs` inside, and stages the test classes, their classpath and the
/// JUnit console launcher for runs outside Maven. Afterwards the resources folder holds the
/// host's library alone again, as the normal build expects.
pub fn package(ctx: &Ctx, libs: &[&Built], release: bool) -> anyhow::Result<Jar> {
    let sh = &ctx.sh;
    crate::kotlin::ensure_jvm_toolchain(ctx).map_err(anyhow::Error::msg)?;
    // The generated Kotlin, from the host's library (same sources, so the same checksums).
    crate::build::library(ctx)?;
    crate::kotlin::generate(ctx)?;
    let resources = ctx.path(RESOURCES);
    for built in libs {
        let dir = resources.join(built.platform.jna);
        std::fs::create_dir_all(&dir)?;
        std::fs::copy(&built.shared, dir.join("libuserhash_ffi.so")).with_context(|| {
            format!("copying {} into {}", built.shared.display(), dir.display())
        })?;
    }
    let packaged = (|| -> anyhow::Result<Jar> {
        let pom = ctx.path(PROJECT).join("pom.xml");
        let reactor = ctx.path(REACTOR_POM);
        let profile = release.then_some("-Prelease");
        // Through the reactor (the jar's module and its parent alone), as Maven Central gets it.
        cmd!(
            sh,
            "mvn -B -q -ntp -f {reactor} package -DskipTests --projects userhash --also-make {profile...}"
        )
        .env_remove(HOST_LIBRARY_PATH)
        .run()
        .context("mvn package of the jar")?;
        let target = ctx.path(PROJECT).join("target");
        let version = super::version::VERSION;
        let mut jars = vec![
            target.join(format!("userhash-{version}.jar")),
            target.join(format!("userhash-{version}-sources.jar")),
        ];
        if release {
            jars.push(target.join(format!("userhash-{version}-javadoc.jar")));
        }
        for jar in &jars {
            ensure!(jar.is_file(), "Maven made no {}", jar.display());
        }
        let staged = fresh_dir(&ctx.scratch().join("reach/jvm"))?;
        let jar = staged.join(format!("userhash-{version}.jar"));
        std::fs::copy(&jars[0], &jar)?;
        let lib = staged.join("lib");
        cmd!(
            sh,
            "mvn -B -q -ntp -f {pom} dependency:copy-dependencies -DincludeScope=test -DoutputDirectory={lib}"
        )
        .run()
        .context("staging the tests' classpath")?;
        let console = format!("{CONSOLE}:{}", console_version(&reactor)?);
        cmd!(
            sh,
            "mvn -B -q -ntp -f {pom} dependency:copy -Dartifact={console} -DoutputDirectory={staged} -Dmdep.stripVersion=true"
        )
        .run()
        .context("fetching JUnit's console launcher")?;
        let test_classes = staged.join("test-classes");
        copy_tree(&target.join("test-classes"), &test_classes)?;
        let mut libs: Vec<PathBuf> = std::fs::read_dir(&lib)?
            .filter_map(|entry| entry.ok().map(|e| e.path()))
            .collect();
        libs.sort();
        Ok(Jar {
            jars,
            run: JvmRun {
                jar,
                test_classes,
                libs,
                console: staged.join("junit-platform-console-standalone.jar"),
            },
        })
    })();
    // Back to what the normal build expects: the host's library alone.
    for built in libs {
        if built.platform.jna != X86_64.jna {
            std::fs::remove_dir_all(resources.join(built.platform.jna))?;
        }
    }
    std::fs::copy(
        ctx.cdylib(),
        resources.join(X86_64.jna).join("libuserhash_ffi.so"),
    )?;
    packaged
}

/// The console launcher's version for the pom's `junit.version` (5.x.y → 1.x.y).
fn console_version(pom: &Path) -> anyhow::Result<String> {
    let text = std::fs::read_to_string(pom)?;
    let start = text
        .find("<junit.version>")
        .context("the pom names no junit.version")?
        + "<junit.version>".len();
    let end = start
        + text[start..]
            .find('<')
            .context("an unclosed junit.version")?;
    let version = &text[start..end];
    match version.split_once('.') {
        Some(("5", rest)) => Ok(format!("1.{rest}")),
        Some((major, _)) if major.parse::<u32>().is_ok_and(|m| m >= 6) => Ok(version.to_owned()),
        _ => anyhow::bail!("unexpected junit.version {version}"),
    }
}

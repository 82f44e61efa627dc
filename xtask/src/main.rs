//! `cargo xtask`: the one entry point for building, testing and demonstrating userhash in every
//! language. Each subcommand is a module; shell calls go through xshell; every language step
//! reports passed, skipped (with the reason) or failed, and a skip is never counted as a pass.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod bench;
mod browser;
mod build;
mod chroot;
mod demo;
mod dist;
mod fuzz;
mod kotlin;
mod layers;
mod leak;
mod python;
mod report;
mod rust;
mod spark;
mod swift;
mod timing;
mod vectors;
mod workspace;

use std::process::ExitCode;

use clap::{Parser, Subcommand, ValueEnum};

use crate::report::Report;
use crate::workspace::Ctx;

/// Build, test and demonstrate userhash in Rust, Python, Kotlin and Swift.
#[derive(Parser)]
#[command(name = "cargo xtask", version, about, long_about = None)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Build the release library (cdylib + staticlib) and generate the Kotlin and Swift bindings
    /// (the Python wheel is built by maturin during `test`).
    Build,
    /// Sign and verify the demo identities in every language and print the tokens side by side.
    Demo {
        /// Only these languages (default: all).
        #[arg(long, value_enum, value_delimiter = ',')]
        lang: Vec<Lang>,
    },
    /// Check, lint and test everything: the vectors are fresh, fmt and clippy are clean, the Rust
    /// tests pass, and every language suite passes over the shared vectors.
    Test {
        /// Only these languages (default: all).
        #[arg(long, value_enum, value_delimiter = ',')]
        lang: Vec<Lang>,
        /// Fail when a language had to be skipped (CI uses this: its machines can install every
        /// toolchain, so a skip there is a broken install step).
        #[arg(long)]
        no_skip: bool,
    },
    /// Check that testdata/vectors/*.json match their generators: testdata/generate_vectors.py
    /// and, in a virtualenv with PyJWT, testdata/generate_jwt_vectors.py.
    Vectors,
    /// Run the benchmarks (the Rust core, each binding in its own harness, Spark, and the CLI's batch)
    /// and write docs/benchmarks.md: ratios against baselines measured in the same run. Never
    /// part of `test`'s pass/fail.
    Bench {
        /// Tiny counts, to check that every benchmark still runs; writes
        /// target/xtask/bench/benchmarks-quick.md, never docs/benchmarks.md.
        #[arg(long)]
        quick: bool,
        /// Only these parts (default: all): core, python, kotlin, swift, spark, cli. A partial run
        /// writes target/xtask/bench/benchmarks-partial.md, never docs/benchmarks.md.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
    },
    /// Fuzz every target (cargo-fuzz, nightly) for a time budget; crashes are kept in
    /// fuzz/regressions/ and replayed by `cargo test` from then on. Never part of `test`.
    Fuzz {
        /// Seconds per target (default 60, or no limit when --runs is given).
        #[arg(long)]
        seconds: Option<u64>,
        /// Stop each target after this many executions.
        #[arg(long)]
        runs: Option<u64>,
        /// The sanitizer to build with: address, leak, memory, thread or none.
        #[arg(long, default_value = "address")]
        sanitizer: String,
        /// Build with debug assertions and overflow checks.
        #[arg(long)]
        debug_assertions: bool,
        /// Only these targets (default: all).
        #[arg(long, value_delimiter = ',')]
        target: Vec<String>,
    },
    /// Leak runs: sign + verify iterations from Python and the JVM with RSS sampled, and the
    /// Python run's Rust side under valgrind. Never part of `test`.
    Leak {
        /// Sign + verify iterations per language.
        #[arg(long, default_value_t = 5_000_000)]
        iterations: u64,
        /// Only these runs (default: all): python, jvm, jni (the JVM's direct path under
        /// `-Xcheck:jni`), valgrind.
        #[arg(long, value_delimiter = ',')]
        only: Vec<String>,
        /// Iterations of the Python run under valgrind.
        #[arg(long, default_value_t = 20_000)]
        valgrind_iterations: u64,
    },
    /// The dudect-style timing test of verification: Welch's t over timed verifications of two
    /// classes of forgery, and a control that must leak. Never part of `test`.
    /// Build the release artifacts into `dist/` (wheels for Linux x86-64 and aarch64, glibc 2.17
    /// and later, and an sdist; the jar with both native libraries, its sources and javadoc jars;
    /// the CLI and the Swift static library for both; SHA256SUMS), after checking each one: the
    /// glibc floor, every vector on both architectures (aarch64 under qemu), the sdist installed
    /// from outside the repository, `cargo publish --dry-run`, `twine check`, the POM.
    Dist {
        /// Where to write the artifacts (emptied first).
        #[arg(long, default_value = "dist")]
        out: std::path::PathBuf,
    },
    /// Print the workspace's one version, or set it (Cargo.toml and every Maven coordinate).
    Version {
        /// The new version (e.g. 0.2.0); without it, print the current one.
        set: Option<String>,
    },
    Timing {
        /// Timed verifications per run.
        #[arg(long, default_value_t = 2_000_000)]
        samples: u64,
        /// The seed that interleaves the classes.
        #[arg(long)]
        seed: Option<u64>,
    },
}

/// A language userhash ships in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Lang {
    /// The core, its CLI and the FFI crate.
    Rust,
    /// The maturin wheel.
    Python,
    /// The Maven jar.
    Kotlin,
    /// The SwiftPM package.
    Swift,
    /// Not a language: PySpark in local mode, through the Python and JVM paths (see `spark.rs`).
    Spark,
    /// Not a language: the release artifacts and their metadata (see `dist.rs`).
    Reach,
}

impl Lang {
    const ALL: [Lang; 6] = [
        Lang::Rust,
        Lang::Python,
        Lang::Kotlin,
        Lang::Swift,
        Lang::Spark,
        Lang::Reach,
    ];

    fn selected(chosen: &[Lang]) -> Vec<Lang> {
        if chosen.is_empty() {
            Lang::ALL.to_vec()
        } else {
            Lang::ALL
                .into_iter()
                .filter(|lang| chosen.contains(lang))
                .collect()
        }
    }

    /// The lower-case name used in reports.
    pub fn name(self) -> &'static str {
        match self {
            Lang::Rust => "rust",
            Lang::Python => "python",
            Lang::Kotlin => "kotlin",
            Lang::Swift => "swift",
            Lang::Spark => "spark",
            Lang::Reach => "reach",
        }
    }
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = Ctx::new().and_then(|ctx| run(&ctx, cli.command));
    match result {
        Ok(code) => code,
        Err(error) => {
            eprintln!("xtask: error: {error:#}");
            ExitCode::FAILURE
        }
    }
}

fn run(ctx: &Ctx, command: Command) -> anyhow::Result<ExitCode> {
    match command {
        Command::Build => {
            build::release(ctx)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Vectors => {
            vectors::check(ctx)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Test { lang, no_skip } => {
            let mut report = Report::new("test", "languages");
            for lang in Lang::selected(&lang) {
                let outcome = match lang {
                    Lang::Rust => rust::test(ctx),
                    Lang::Python => python::test(ctx),
                    Lang::Kotlin => kotlin::test(ctx),
                    Lang::Swift => swift::test(ctx),
                    Lang::Spark => spark::test(ctx),
                    Lang::Reach => dist::test(ctx),
                };
                report.record(lang.name(), outcome);
            }
            Ok(report.finish(no_skip))
        }
        Command::Demo { lang } => demo::run(ctx, &Lang::selected(&lang)),
        Command::Fuzz {
            seconds,
            runs,
            sanitizer,
            debug_assertions,
            target,
        } => {
            let budget = fuzz::Budget {
                seconds,
                runs,
                sanitizer,
                debug_assertions,
            };
            fuzz::run(ctx, &budget, &target)
        }
        Command::Bench { quick, only } => bench::run(ctx, quick, &only),
        Command::Leak {
            iterations,
            only,
            valgrind_iterations,
        } => {
            let chosen = |name: &str| only.is_empty() || only.iter().any(|o| o == name);
            let what = leak::LeakRun {
                iterations,
                python: chosen("python"),
                jvm: chosen("jvm"),
                jni: chosen("jni"),
                valgrind_iterations: if chosen("valgrind") {
                    valgrind_iterations
                } else {
                    0
                },
            };
            leak::run(ctx, &what)
        }
        Command::Timing { samples, seed } => timing::run(ctx, samples, seed),
        Command::Dist { out } => {
            dist::dist(ctx, &ctx.root.join(out))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Version { set } => {
            match set {
                Some(new) => dist::version::set(ctx, &new)?,
                None => println!("{}", dist::version::VERSION),
            }
            Ok(ExitCode::SUCCESS)
        }
    }
}

//! The main job: sign and verify the demo identities through every language and show, side by
//! side, that one implementation gives identical bytes everywhere.
//!
//! Every language's demo reads `examples/demo.json` and prints one JSON line per case:
//! `{"case": "<scheme>/<n>", "token": "...", "verified": "<label or error code>"}`, with a
//! `null` token when signing fails (see examples/README.md).

use std::collections::BTreeMap;
use std::process::ExitCode;

use anyhow::Context as _;
use serde_json::Value;
use xshell::cmd;

use crate::Lang;
use crate::report::{Outcome, Report};
use crate::workspace::Ctx;

/// One language's answer for one case.
#[derive(Clone, PartialEq, Eq)]
struct Answer {
    token: Option<String>,
    verified: String,
}

/// Runs each language's demo, prints the table, and fails if any two languages disagree.
pub fn run(ctx: &Ctx, langs: &[Lang]) -> anyhow::Result<ExitCode> {
    let mut report = Report::new("demo", "languages");
    let mut answers: Vec<(Lang, BTreeMap<String, Answer>)> = Vec::new();
    for &lang in langs {
        let output = match lang {
            Lang::Rust => rust_demo(ctx).map(Some),
            Lang::Python => crate::python::demo(ctx).map(Some),
            Lang::Kotlin => crate::kotlin::demo(ctx),
            Lang::Swift => crate::swift::demo(ctx),
            // Not languages: nothing to demonstrate.
            Lang::Spark | Lang::Reach => continue,
        };
        let outcome = match output.and_then(|out| out.map(|text| parse(&text)).transpose()) {
            Ok(Some(cases)) => {
                let note = format!("{} cases", cases.len());
                answers.push((lang, cases));
                Outcome::Passed(note)
            }
            Ok(None) => Outcome::Skipped(format!("{} toolchain unavailable here", lang.name())),
            Err(error) => Outcome::Failed(error),
        };
        report.record(lang.name(), outcome);
    }
    let agree = print_table(&answers);
    let code = report.finish(false);
    if !agree {
        eprintln!("demo: the languages DISAGREE (see the table above)");
        return Ok(ExitCode::FAILURE);
    }
    Ok(code)
}

fn rust_demo(ctx: &Ctx) -> anyhow::Result<String> {
    let sh = &ctx.sh;
    Ok(cmd!(
        sh,
        "cargo run --quiet --release --package userhash-config --example demo -- examples/demo.json"
    )
    .read()?)
}

fn parse(output: &str) -> anyhow::Result<BTreeMap<String, Answer>> {
    let mut cases = BTreeMap::new();
    for line in output.lines().filter(|line| line.starts_with('{')) {
        let value: Value =
            serde_json::from_str(line).with_context(|| format!("demo line {line:?}"))?;
        let field = |key: &str| -> anyhow::Result<String> {
            Ok(value[key]
                .as_str()
                .with_context(|| format!("no {key} in {line:?}"))?
                .to_owned())
        };
        // A case that cannot be signed (Jimo for an email-only visitor) has a null token.
        let token = value["token"].as_str().map(str::to_owned);
        anyhow::ensure!(
            token.is_some() || value["token"].is_null(),
            "bad token in {line:?}"
        );
        cases.insert(
            field("case")?,
            Answer {
                token,
                verified: field("verified")?,
            },
        );
    }
    anyhow::ensure!(!cases.is_empty(), "the demo printed no cases");
    Ok(cases)
}

/// Prints one row per case: the first language's token and verdict, then for every language
/// `=` when it gave the same bytes, or what it gave instead.
fn print_table(answers: &[(Lang, BTreeMap<String, Answer>)]) -> bool {
    let Some((_, reference)) = answers.first() else {
        return true;
    };
    let mut agree = true;
    let langs: Vec<&str> = answers.iter().map(|(lang, _)| lang.name()).collect();
    println!();
    println!(
        "{:<22} {:<80} {:<14} {}",
        "case",
        "token",
        "verified",
        langs.join("  ")
    );
    for (case, answer) in reference {
        let marks: Vec<String> = answers
            .iter()
            .map(|(lang, cases)| match cases.get(case) {
                Some(other) if other == answer => {
                    format!("{:<width$}", "=", width = lang.name().len())
                }
                Some(other) => {
                    agree = false;
                    format!(
                        "{}≠ {} {}",
                        lang.name(),
                        shown(&other.token),
                        other.verified
                    )
                }
                None => {
                    agree = false;
                    format!("{}: missing", lang.name())
                }
            })
            .collect();
        println!(
            "{case:<22} {:<80} {:<14} {}",
            shown(&answer.token),
            answer.verified,
            marks.join("  ")
        );
    }
    for (lang, cases) in answers {
        if cases.len() != reference.len() {
            agree = false;
            println!(
                "{}: {} cases, expected {}",
                lang.name(),
                cases.len(),
                reference.len()
            );
        }
    }
    println!();
    if agree {
        println!("Identical tokens and verdicts from: {}", langs.join(", "));
    }
    agree
}

/// A token as the table shows it: `null` when signing failed, and cut to the column's 80
/// characters (a payload's JSON is longer; the languages are still compared on every byte).
fn shown(token: &Option<String>) -> String {
    const WIDTH: usize = 80;
    let token = token.as_deref().unwrap_or("null");
    if token.chars().count() <= WIDTH {
        return token.to_owned();
    }
    let cut: String = token.chars().take(WIDTH - 1).collect();
    format!("{cut}…")
}

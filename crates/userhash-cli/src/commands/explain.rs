//! `userhash explain`: why a token is rejected, in plain words, most likely cause first.

use serde_json::json;
use userhash::Diagnosis;

use crate::args::Check;
use crate::cli::CheckArgs;
use crate::commands::{Status, Streams};
use crate::error::CliError;

/// Prints the diagnosis.
///
/// # Errors
/// Scheme, secret, identity and label errors; a rejected token is a [`Status::Failure`] with
/// its diagnosis printed.
pub fn run(args: &CheckArgs, streams: &mut Streams<'_>) -> Result<Status, CliError> {
    let Check {
        verifier,
        identity,
        label,
        now,
        shared_files,
    } = Check::from_flags(args, streams.stdin)?;
    streams.warn_shared_secret_files(&shared_files)?;
    let diagnosis = verifier.explain_at(&identity, &args.token, label.as_deref(), now)?;
    if streams.json {
        streams.json_line(&to_json(&diagnosis))?;
    } else {
        for line in to_text(&diagnosis) {
            streams.line(&line)?;
        }
    }
    Ok(if diagnosis.is_valid() {
        Status::Success
    } else {
        Status::Failure
    })
}

fn to_json(diagnosis: &Diagnosis) -> serde_json::Value {
    let findings: Vec<serde_json::Value> = diagnosis
        .findings()
        .iter()
        .map(|finding| {
            json!({
                "cause": finding.cause.code(),
                "label": finding.label,
                "explanation": finding.explanation,
                "fix": finding.fix,
            })
        })
        .collect();
    json!({
        "valid": diagnosis.is_valid(),
        "label": diagnosis.label(),
        "rejection": diagnosis.rejection().map(|rejection| json!({
            "code": rejection.kind().code(),
            "message": rejection.to_string(),
        })),
        "findings": findings,
        "summary": diagnosis.summary(),
    })
}

fn to_text(diagnosis: &Diagnosis) -> Vec<String> {
    if let Some(label) = diagnosis.label() {
        // A valid token's one possible note: a separator-less concatenation (Helpshift).
        return match diagnosis.findings().first() {
            None => vec![format!(
                "valid: the token verifies (key {label}); nothing to explain"
            )],
            Some(note) => vec![
                format!("valid: the token verifies (key {label})"),
                format!("But: {} [{}]", note.explanation, note.cause.code()),
                format!("    Fix: {}", note.fix),
            ],
        };
    }
    let mut lines = Vec::new();
    if let (Some(rejection), Some(reason)) = (diagnosis.rejection(), diagnosis.reason()) {
        lines.push(format!("rejected ({}): {reason}", rejection.kind().code()));
    }
    if diagnosis.findings().is_empty() {
        lines.push(
            "No known mistake reproduces this token: check that the secret is this app's identity-verification secret for this environment (production or test), and that the identity is exactly what the client sent."
                .to_owned(),
        );
        return lines;
    }
    lines.push(String::new());
    lines.push("Most likely first:".to_owned());
    for (rank, finding) in diagnosis.findings().iter().enumerate() {
        let key = match &finding.label {
            Some(label) => format!(", key {label}"),
            None => String::new(),
        };
        lines.push(format!(
            "{:>2}. {} [{}{key}]",
            rank + 1,
            finding.explanation,
            finding.cause.code(),
        ));
        lines.push(format!("    Fix: {}", finding.fix));
    }
    lines
}

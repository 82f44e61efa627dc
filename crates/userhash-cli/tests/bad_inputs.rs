//! The bad-input matrix (`testdata/bad-inputs.json`, format in `testdata/README.md`) through the
//! built binary: every row marked for `cli`, as `sign`, `verify` or `explain` with `--json`.
//!
//! An input error exits 2 with one JSON line on stderr naming the code; a rejected token exits 1
//! with the code on stdout; a valid row exits 0 with its token or verdict. Neither stream may
//! ever show a secret or the token given. A row marked `known_bug` must keep failing until the
//! bug is fixed.

#![allow(clippy::unwrap_used, clippy::expect_used, clippy::unwrap_in_result)]

#[path = "support/common.rs"]
mod common;

use std::path::Path;

use serde_json::Value;

/// The codes with which a verifier rejects a token (exit 1); every other code is an error (exit 2).
const REJECTIONS: [&str; 10] = [
    "malformed_token",
    "missing_timestamp",
    "mismatch",
    "expired",
    "from_the_future",
    "unsupported_algorithm",
    "missing_key_id",
    "unknown_key_id",
    "missing_claim",
    "invalid_claim",
];

fn matrix() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/bad-inputs.json");
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

/// A text input: absent or null is `None`; `{"repeat": s, "count": n}` is `s` n times.
fn text(value: Option<&Value>) -> Option<String> {
    match value? {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Object(repeat) => Some(
            repeat["repeat"]
                .as_str()
                .unwrap()
                .repeat(usize::try_from(repeat["count"].as_u64().unwrap()).unwrap()),
        ),
        other => panic!("not a text value: {other}"),
    }
}

/// The row's one secret: `secret`, or the only key of `keyring` (the CLI's `default` label), or
/// for rows that need none (a bad scheme), the canary.
fn secret(inputs: &Value, canary: &Value) -> String {
    if let Some(secret) = text(inputs.get("secret")) {
        return secret;
    }
    match inputs.get("keyring").and_then(Value::as_array) {
        Some(keys) => {
            assert_eq!(keys.len(), 1, "a cli row has one key");
            text(keys[0].get("secret")).unwrap()
        }
        None => canary["secret"].as_str().unwrap().to_owned(),
    }
}

/// The flags for the row's operation; the secret is read from `secret_file`.
fn flags(row: &Value, secret_file: &Path) -> Vec<String> {
    let inputs = &row["inputs"];
    let operation = row["operation"].as_str().unwrap();
    let command = match operation {
        "scheme" | "secret" | "sign" | "sign_at" => "sign",
        "verify" | "verify_at" => "verify",
        "explain_at" => "explain",
        other => panic!("{}: {other} is not a cli operation", row["id"]),
    };
    let mut flags = vec![
        command.to_owned(),
        "--json".to_owned(),
        format!("--scheme={}", text(inputs.get("scheme")).unwrap()),
        format!("--secret-file={}", secret_file.display()),
    ];
    let (user_id, email) = (text(inputs.get("user_id")), text(inputs.get("email")));
    if matches!(operation, "scheme" | "secret") {
        // Any valid identity: these rows fail before it is read.
        flags.extend([
            "--user-id=42".to_owned(),
            "--email=ada@example.com".to_owned(),
        ]);
    }
    flags.extend(user_id.map(|id| format!("--user-id={id}")));
    flags.extend(email.map(|email| format!("--email={email}")));
    flags.extend(text(inputs.get("token")).map(|token| format!("--token={token}")));
    for (key, flag) in [
        ("timestamp", "--at"),
        ("now", "--now"),
        ("max_age", "--max-age"),
        ("max_future_skew", "--max-future-skew"),
    ] {
        // The number's exact JSON text: u64 past i64::MAX, and negative windows, as given.
        flags.extend(
            inputs
                .get(key)
                .filter(|n| n.is_number())
                .map(|n| format!("{flag}={n}")),
        );
    }
    assert!(
        inputs.get("label").is_none(),
        "{}: --label needs a config file",
        row["id"]
    );
    flags
}

/// Strings no output may contain, each also as it would appear inside a JSON string.
fn hidden(row: &Value, canary: &Value) -> Vec<String> {
    let inputs = &row["inputs"];
    let hex = canary["hex"].as_str().unwrap();
    let mut hidden = vec![
        canary["secret"].as_str().unwrap().to_owned(),
        hex.to_owned(),
        hex.to_uppercase(),
        secret(inputs, canary),
    ];
    hidden.extend(text(inputs.get("token")));
    hidden.retain(|text| !text.is_empty());
    let escaped: Vec<String> = hidden
        .iter()
        .map(|text| {
            serde_json::to_string(text)
                .unwrap()
                .trim_matches('"')
                .to_owned()
        })
        .collect();
    hidden.extend(escaped);
    hidden
}

fn check(row: &Value, canary: &Value, dir: &Path) -> Result<(), String> {
    let id = row["id"].as_str().unwrap();
    let secret_file = dir.join(format!("{id}.secret"));
    common::write_secret(&secret_file, &secret(&row["inputs"], canary));
    let output = common::userhash()
        .args(flags(row, &secret_file))
        .output()
        .unwrap();
    let (out, err) = (
        String::from_utf8_lossy(&output.stdout),
        String::from_utf8_lossy(&output.stderr),
    );
    for text in hidden(row, canary) {
        if out.contains(&text) || err.contains(&text) {
            return Err(format!("{text:?} printed:\n{out}{err}"));
        }
    }
    let status = output.status.code();
    let json = |stream: &str| -> Result<Value, String> {
        serde_json::from_str(stream.trim())
            .map_err(|e| format!("not one JSON document ({e}): {stream:?}"))
    };
    let expect = row.get("cli_expect").unwrap_or(&row["expect"]);
    if let Some(code) = expect["error"].as_str() {
        // A verdict on a token exits 1; the same kinds met while signing (a missing nonce, say)
        // are the caller's error and exit 2.
        let signing = row["operation"]
            .as_str()
            .is_some_and(|op| op.starts_with("sign"));
        if REJECTIONS.contains(&code) && !signing {
            let verdict = json(&out)?;
            let got = verdict["code"]
                .as_str()
                .or(verdict["rejection"]["code"].as_str());
            if status != Some(1) || got != Some(code) {
                return Err(format!(
                    "expected exit 1 and {code}, got {status:?}:\n{out}{err}"
                ));
            }
        } else {
            if err.lines().count() != 1 {
                return Err(format!("expected one line on stderr:\n{err}"));
            }
            let got = json(&err)?;
            if status != Some(2) || got["error"]["code"] != code || !out.is_empty() {
                return Err(format!(
                    "expected exit 2 and {code}, got {status:?}:\n{out}{err}"
                ));
            }
        }
    } else if let Some(token) = expect["token"].as_str() {
        if status != Some(0) || json(&out)?["token"] != token {
            return Err(format!("expected {token}, got {status:?}:\n{out}{err}"));
        }
    } else if expect["label"].is_string() {
        // The CLI names its single key `default`, whatever the row's label.
        if status != Some(0) || json(&out)?["valid"] != true {
            return Err(format!("expected valid, got {status:?}:\n{out}{err}"));
        }
    } else {
        panic!("{id}: {expect} has no outcome the CLI can check");
    }
    Ok(())
}

#[test]
fn every_cli_row_exits_with_its_code_and_prints_no_secret() {
    let doc = matrix();
    let dir = tempfile::tempdir().unwrap();
    let rows: Vec<&Value> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| {
            row["languages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|l| l == "cli")
        })
        .collect();
    assert!(rows.len() >= 50, "only {} rows for the CLI", rows.len());
    let mut failed = Vec::new();
    for row in rows {
        let id = row["id"].as_str().unwrap();
        match (row.get("known_bug"), check(row, &doc["canary"], dir.path())) {
            (None, Ok(())) => {}
            (None, Err(failure)) => failed.push(format!("{id}: {failure}")),
            // A strict expected failure: the row must keep failing until the bug is fixed.
            (Some(bug), Err(_)) => eprintln!("known bug, expected to fail: {id}: {bug}"),
            (Some(_), Ok(())) => failed.push(format!("{id}: passes now; remove its known_bug")),
        }
    }
    assert!(
        failed.is_empty(),
        "{} rows failed:\n{}",
        failed.len(),
        failed.join("\n")
    );
}

//! `userhash payload` and `--vendor` over the shared payload vectors
//! (`testdata/vectors/payload.json`): the same JSON bytes as every language, the documented exit
//! status, and no secret on any stream.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/common.rs"]
mod common;

use std::path::Path;

use common::{run, stderr, stdout, userhash};
use serde_json::Value;

#[path = "../../userhash-config/tests/support/payload_cases.rs"]
mod payload_cases;

use payload_cases::{vectors, write_config};

/// `--flag=value` for each given value, so values beginning with `-` stay values.
fn flags(case: &Value, pairs: &[(&str, &str)]) -> Vec<String> {
    pairs
        .iter()
        .filter_map(|(flag, key)| match &case[*key] {
            Value::String(text) => Some(format!("--{flag}={text}")),
            Value::Number(number) => Some(format!("--{flag}={number}")),
            Value::Bool(value) => Some(format!("--{flag}={value}")),
            _ => None,
        })
        .collect()
}

/// The flags of one case: the config and where in it, then the operation's own.
fn command(case: &Value, config: &Path) -> Vec<String> {
    let place = [
        format!("--config={}", config.display()),
        format!("--app={}", case["app"].as_str().unwrap()),
        format!("--env={}", case["environment"].as_str().unwrap()),
    ];
    let mut args: Vec<String> = Vec::new();
    if case["operation"] == "keyring" {
        // A keyring is checked by signing with its first key (or failing to resolve it).
        args.push("sign".to_owned());
        args.extend(place);
        args.extend(flags(case, &[("vendor", "vendor")]));
        args.push("--user-id=42".to_owned());
        if let Some(labels) = case["expected"]["labels"].as_array() {
            args.push(format!("--label={}", labels[0].as_str().unwrap()));
        }
        return args;
    }
    args.push("payload".to_owned());
    args.extend(place);
    args.extend(flags(
        case,
        &[
            ("platform", "platform"),
            ("user-id", "user_id"),
            ("email", "email"),
            ("at", "at"),
        ],
    ));
    if let Value::Object(attributes) = &case["attributes"] {
        let named = [
            ("name", "name"),
            ("email-verified", "email_verified"),
            ("account-id", "account_id"),
            ("nonce", "nonce"),
            ("expires-in", "expires_in"),
            ("claims", "extra_claims"),
        ];
        args.extend(flags(&Value::Object(attributes.clone()), &named));
    }
    args
}

/// Every secret file's contents, none of which may appear on any stream.
fn secrets(config: &Value) -> Vec<String> {
    config["secret_files"]
        .as_object()
        .unwrap()
        .values()
        .map(|secret| secret.as_str().unwrap().to_owned())
        .filter(|secret| !secret.is_empty())
        .collect()
}

#[test]
fn every_payload_case() {
    let vectors = vectors();
    let cases = vectors["payload"].as_array().unwrap();
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let named = &vectors["configs"][case["config"].as_str().unwrap()];
        let config = write_config(dir.path(), named);
        let expected = &case["expected"];
        let assert = run(userhash().args(command(case, &config)).arg("--json"))
            .get_output()
            .clone();
        let (out, err) = (
            String::from_utf8_lossy(&assert.stdout).into_owned(),
            String::from_utf8_lossy(&assert.stderr).into_owned(),
        );
        for secret in secrets(named) {
            assert!(
                !out.contains(&secret) && !err.contains(&secret),
                "{id}: a secret was printed"
            );
        }
        let status = assert.status.code();
        match expected["error"].as_str() {
            Some(code) => {
                assert_eq!(status, Some(2), "{id}: {err}");
                assert!(out.is_empty(), "{id}: {out}");
                let error: Value = serde_json::from_str(err.trim()).unwrap();
                assert_eq!(error["error"]["code"], code, "{id}: {err}");
            }
            None if case["operation"] == "keyring" => {
                assert_eq!(status, Some(0), "{id}: {err}");
            }
            None => {
                assert_eq!(
                    out,
                    format!("{}\n", expected["json"].as_str().unwrap()),
                    "{id}"
                );
                let complete = expected["complete"].as_bool().unwrap();
                assert_eq!(status, Some(if complete { 0 } else { 1 }), "{id}: {err}");
                assert!(
                    err.is_empty(),
                    "{id}: with --json, the slots say why: {err}"
                );
            }
        }
    }
}

#[test]
fn without_json_each_failed_vendor_is_named_on_stderr() {
    let vectors = vectors();
    let case = vectors["payload"]
        .as_array()
        .unwrap()
        .iter()
        .find(|case| case["id"] == "payload-acme-ios-no-email")
        .unwrap();
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path(), &vectors["configs"]["acme"]);
    let assert = run(userhash().args(command(case, &config))).code(1);
    assert_eq!(
        stdout(&assert),
        format!("{}\n", case["expected"]["json"].as_str().unwrap())
    );
    let err = stderr(&assert);
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(
        err.contains("vendors.crisp") && err.contains("signs the email"),
        "{err}"
    );
}

#[test]
fn payload_flags_are_required_and_documented() {
    run(userhash().args([
        "payload",
        "--app",
        "a",
        "--env",
        "b",
        "--platform",
        "web",
        "--user-id",
        "1",
    ]))
    .code(2);
    let help = stdout(&run(userhash().args(["payload", "--help"])).success());
    for part in [
        "--platform",
        "--config",
        "--at",
        "some vendor failed",
        "all_platforms",
    ] {
        assert!(help.contains(part), "{part} missing from:\n{help}");
    }
}

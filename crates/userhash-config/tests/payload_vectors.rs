//! The payload vectors (`testdata/vectors/payload.json`), every case: each config is written to a
//! directory with its secret files beside it and loaded as a user's would be.
//!
//! The cases are computed by `testdata/generate_payload_vectors.py`, independently of this crate;
//! the format is in `testdata/vectors/README.md` ("Payload file"). A failure names the case id.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;

#[path = "support/payload_cases.rs"]
mod payload_cases;

use payload_cases::{vectors, write_config};
use userhash::{Attributes, Identity};
use userhash_config::{Config, ConfigError, OsSecrets, PayloadOptions, VendorFailures};

fn text(case: &Value, key: &str) -> Option<String> {
    case[key].as_str().map(str::to_owned)
}

fn attributes(case: &Value) -> Attributes {
    let given = &case["attributes"];
    if given.is_null() {
        return Attributes::default();
    }
    let mut attributes = Attributes::new();
    attributes.name = text(given, "name");
    attributes.email_verified = given["email_verified"].as_bool();
    attributes.account_id = text(given, "account_id");
    attributes.nonce = text(given, "nonce");
    attributes.expires_in = given["expires_in"].as_u64();
    attributes.extra_claims = text(given, "extra_claims");
    attributes
}

/// What the case's operation gives: the payload's JSON and completeness, or the keyring's labels.
enum Outcome {
    Payload { json: String, complete: bool },
    Labels(Vec<String>),
}

fn run(case: &Value, config: &Path, failures: VendorFailures) -> Result<Outcome, ConfigError> {
    let config = Config::load(config)?;
    let app = case["app"].as_str().unwrap();
    let environment = case["environment"].as_str().unwrap();
    if case["operation"] == "keyring" {
        let vendor = case["vendor"].as_str();
        let (keyring, _) = config.vendor_keyring(app, environment, vendor, &OsSecrets)?;
        return Ok(Outcome::Labels(
            keyring.labels().map(str::to_owned).collect(),
        ));
    }
    let signer = config.payload_signer(app, environment, &OsSecrets)?;
    let identity = Identity::new(text(case, "user_id"), text(case, "email"));
    let options = PayloadOptions {
        attributes: attributes(case),
        at: case["at"].as_u64(),
        failures,
    };
    let payload = signer.payload(&identity, case["platform"].as_str().unwrap(), &options)?;
    Ok(Outcome::Payload {
        json: payload.to_json(),
        complete: payload.is_complete(),
    })
}

#[test]
fn every_payload_case() {
    let vectors = vectors();
    let cases = vectors["payload"].as_array().unwrap();
    assert!(cases.len() >= 25, "only {} payload cases", cases.len());
    for case in cases {
        let id = case["id"].as_str().unwrap();
        let dir = tempfile::tempdir().unwrap();
        let config = write_config(
            dir.path(),
            &vectors["configs"][case["config"].as_str().unwrap()],
        );
        let expected = &case["expected"];
        let reported = run(case, &config, VendorFailures::Report);
        match (reported, expected["error"].as_str()) {
            (Err(error), Some(code)) => {
                assert_eq!(error.code(), code, "{id}: {error}");
                assert!(!error.to_string().contains('\n'), "{id}: {error}");
            }
            (Err(error), None) => panic!("{id}: unexpected error {error}"),
            (Ok(_), Some(code)) => panic!("{id}: expected the error {code}"),
            (Ok(Outcome::Labels(labels)), None) => {
                let expected: Vec<&str> = expected["labels"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .map(|label| label.as_str().unwrap())
                    .collect();
                assert_eq!(labels, expected, "{id}");
            }
            (Ok(Outcome::Payload { json, complete }), None) => {
                assert_eq!(json, expected["json"].as_str().unwrap(), "{id}");
                assert_eq!(complete, expected["complete"].as_bool().unwrap(), "{id}");
                // The caller who chose to raise gets the first failing vendor's error.
                let raised = run(case, &config, VendorFailures::Raise);
                match (raised, expected["raises"].as_str()) {
                    (Ok(_), None) => {}
                    (Err(error), Some(code)) => assert_eq!(error.code(), code, "{id}: {error}"),
                    (Ok(_), Some(code)) => panic!("{id}: raise mode did not raise {code}"),
                    (Err(error), None) => panic!("{id}: raise mode raised {error}"),
                }
            }
        }
    }
}

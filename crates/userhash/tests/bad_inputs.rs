//! The bad-input matrix (`testdata/bad-inputs.json`, format in `testdata/README.md`): every row
//! marked for `rust`, run through the core. Each bad input must fail with exactly its error code
//! and without a panic, each tricky valid input must give exactly its token or label, and no
//! message may show a secret or the token.
//!
//! A row marked `known_bug` is an expected failure: it is reported on stderr, and must keep
//! failing until the library is fixed, when the test asks for the marker to go.
#![allow(clippy::unwrap_used, clippy::expect_used, clippy::unwrap_in_result)]

use std::panic::{AssertUnwindSafe, catch_unwind};
use std::path::Path;

use serde_json::Value;
use userhash::{
    BatchFields, BatchOptions, DEFAULT_MAX_AGE_SECONDS, DEFAULT_MAX_FUTURE_SKEW_SECONDS, Error,
    Freshness, Identity, Keyring, PackedBatch, Scheme, Secret, Signer, Verifier,
};

fn matrix() -> Value {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/bad-inputs.json");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).unwrap()
}

/// One row: its inputs, read as the format says.
struct Row<'a> {
    id: &'a str,
    inputs: &'a Value,
}

impl Row<'_> {
    /// A text input: absent or null is `None`; `{"repeat": s, "count": n}` is `s` n times.
    fn text(&self, key: &str) -> Option<String> {
        self.inputs.get(key).and_then(text_value)
    }

    fn number(&self, key: &str) -> Option<u64> {
        self.inputs.get(key).and_then(Value::as_u64)
    }

    fn required(&self, key: &str) -> String {
        self.text(key)
            .unwrap_or_else(|| panic!("{}: no {key}", self.id))
    }

    fn keys(&self) -> Vec<(String, String)> {
        self.inputs
            .get("keyring")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .map(|key| {
                (
                    text_value(&key["label"]).unwrap(),
                    text_value(&key["secret"]).unwrap(),
                )
            })
            .collect()
    }

    fn identity(&self) -> Identity {
        Identity::new(self.text("user_id"), self.text("email"))
    }

    fn scheme(&self) -> Result<Scheme, Error> {
        Scheme::parse(&self.required("scheme"))
    }

    fn signer(&self) -> Result<Signer, Error> {
        let scheme = self.scheme()?;
        let secret = Secret::for_scheme(&scheme, &self.required("secret"))?;
        Ok(Signer::new(scheme, &secret))
    }

    fn keyring(&self, scheme: &Scheme) -> Result<Keyring, Error> {
        let mut keyring = Keyring::new(scheme.clone());
        for (label, secret) in self.keys() {
            keyring.insert(&label, Secret::for_scheme(scheme, &secret)?)?;
        }
        Ok(keyring)
    }

    fn verifier(&self) -> Result<Verifier, Error> {
        let scheme = self.scheme()?;
        let keyring = self.keyring(&scheme)?;
        let signed = |key: &str| self.inputs.get(key).and_then(Value::as_i64);
        let freshness = if signed("max_age").is_some_and(|s| s < 0)
            || signed("max_future_skew").is_some_and(|s| s < 0)
        {
            // Negative seconds reach the core only through a binding's signed integers.
            Freshness::from_signed(
                signed("max_age").unwrap_or(3600),
                signed("max_future_skew").unwrap_or(300),
            )?
        } else {
            Freshness::new(
                self.number("max_age").unwrap_or(DEFAULT_MAX_AGE_SECONDS),
                self.number("max_future_skew")
                    .unwrap_or(DEFAULT_MAX_FUTURE_SKEW_SECONDS),
            )?
        };
        Verifier::with_freshness(keyring, freshness)
    }

    fn now(&self) -> u64 {
        self.number("now")
            .unwrap_or_else(|| panic!("{}: no now", self.id))
    }

    /// Every string the row treats as secret or as the token: none may reach a message.
    fn hidden(&self, canary: &Value) -> Vec<String> {
        let mut hidden: Vec<String> = ["secret", "hex"]
            .iter()
            .map(|key| canary[key].as_str().unwrap().to_owned())
            .collect();
        hidden.push(hidden[1].to_uppercase());
        hidden.extend(self.text("secret"));
        hidden.extend(self.keys().into_iter().map(|(_, secret)| secret));
        hidden.extend(self.text("token"));
        hidden.retain(|text| !text.is_empty());
        hidden
    }
}

fn text_value(value: &Value) -> Option<String> {
    match value {
        Value::Null => None,
        Value::String(text) => Some(text.clone()),
        Value::Object(repeat) if repeat.contains_key("repeat") => {
            let unit = repeat["repeat"].as_str().unwrap();
            Some(unit.repeat(usize::try_from(repeat["count"].as_u64().unwrap()).unwrap()))
        }
        other => panic!("not a text value Rust can hold: {other}"),
    }
}

/// What a row's operation produced when it did not fail.
#[derive(Debug, PartialEq)]
enum Success {
    Token(String),
    Label(String),
    /// The operation builds an object (scheme, secret, keyring, signer) or explains a token.
    Done,
}

fn run(row: &Row<'_>, operation: &str) -> Result<Success, Error> {
    let label = row.text("label");
    match operation {
        "scheme" => row.scheme().map(|_| Success::Done),
        "secret" => row.signer().map(|_| Success::Done),
        "sign" => row.signer()?.sign(&row.identity()).map(Success::Token),
        "sign_guarded" => row
            .signer()?
            .with_jwt_input_guard()
            .sign(&row.identity())
            .map(Success::Token),
        "sign_at" => {
            let at = row.number("timestamp").expect("sign_at has a timestamp");
            row.signer()?
                .sign_at(&row.identity(), at)
                .map(Success::Token)
        }
        "keyring" => row.verifier().map(|_| Success::Done),
        "signer" => {
            let scheme = row.scheme()?;
            let keyring = row.keyring(&scheme)?;
            keyring
                .signer(&label.expect("signer has a label"))
                .map(|_| Success::Done)
        }
        "verify" => {
            let (verifier, identity, token) =
                (row.verifier()?, row.identity(), row.required("token"));
            match label {
                Some(label) => verifier.verify_label(&label, &identity, &token),
                None => verifier.verify(&identity, &token),
            }
            .map(|verified| Success::Label(verified.label))
        }
        "verify_at" => {
            let (verifier, identity, token) =
                (row.verifier()?, row.identity(), row.required("token"));
            match label {
                Some(label) => verifier.verify_label_at(&label, &identity, &token, row.now()),
                None => verifier.verify_at(&identity, &token, row.now()),
            }
            .map(|verified| Success::Label(verified.label))
        }
        "explain_at" => row
            .verifier()?
            .explain_at(
                &row.identity(),
                &row.required("token"),
                label.as_deref(),
                row.now(),
            )
            .map(|_| Success::Done),
        "sign_packed" => {
            let hex = |key: &str| hex::decode(row.required(key)).expect("hex");
            let (data, lengths) = (hex("packed_data_hex"), hex("packed_lengths_hex"));
            let batch = PackedBatch::from_lengths(BatchFields::UserId, &data, &lengths)?;
            let tokens = row.signer()?.sign_packed(&batch, BatchOptions::default())?;
            match tokens.failures.into_iter().next() {
                Some(failure) => Err(failure.error),
                None => Ok(Success::Token(tokens.lines.trim_end().to_owned())),
            }
        }
        other => panic!("{}: unknown operation {other}", row.id),
    }
}

/// Runs one row; the failure, if any, in words.
fn check(row_value: &Value, canary: &Value) -> Result<(), String> {
    let row = Row {
        id: row_value["id"].as_str().unwrap(),
        inputs: &row_value["inputs"],
    };
    let operation = row_value["operation"].as_str().unwrap();
    let expect = &row_value["expect"];
    let outcome = catch_unwind(AssertUnwindSafe(|| run(&row, operation)))
        .map_err(|_| "panicked".to_owned())?;
    match (expect["error"].as_str(), outcome) {
        (Some(code), Err(error)) => {
            if error.kind().code() != code {
                return Err(format!("expected {code}, got {:?}: {error}", error.kind()));
            }
            for shown in [error.to_string(), format!("{error:?}")] {
                if let Some(leak) = row.hidden(canary).iter().find(|h| shown.contains(*h)) {
                    return Err(format!("{leak:?} shown in {shown:?}"));
                }
            }
            Ok(())
        }
        (Some(code), Ok(success)) => Err(format!("expected {code}, got {success:?}")),
        (None, Err(error)) => Err(format!(
            "expected {expect}, got {:?}: {error}",
            error.kind()
        )),
        (None, Ok(success)) => {
            let wanted = match (expect["token"].as_str(), expect["label"].as_str()) {
                (Some(token), None) => Success::Token(token.to_owned()),
                (None, Some(label)) => Success::Label(label.to_owned()),
                _ => panic!("{}: expect is neither error, token nor label", row.id),
            };
            if success == wanted {
                Ok(())
            } else {
                Err(format!("expected {wanted:?}, got {success:?}"))
            }
        }
    }
}

fn rust_rows(doc: &Value) -> Vec<&Value> {
    doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|row| {
            row["languages"]
                .as_array()
                .unwrap()
                .iter()
                .any(|language| language == "rust")
        })
        .collect()
}

#[test]
fn every_row_gives_its_code_or_its_value() {
    let doc = matrix();
    let rows = rust_rows(&doc);
    assert!(rows.len() >= 60, "only {} rows for rust", rows.len());
    let mut failed = Vec::new();
    for row in rows {
        let id = row["id"].as_str().unwrap();
        let outcome = check(row, &doc["canary"]);
        match (row.get("known_bug"), outcome) {
            (None, Ok(())) => {}
            (None, Err(failure)) => failed.push(format!("{id}: {failure}")),
            // A strict expected failure: the row must keep failing until the bug is fixed.
            (Some(bug), Err(failure)) => {
                eprintln!("known bug, expected to fail: {id}: {bug}: {failure}")
            }
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

#[test]
fn every_error_code_appears_in_the_matrix() {
    let doc = matrix();
    let codes: Vec<&str> = doc["rows"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|row| row["expect"]["error"].as_str())
        .collect();
    for kind in userhash::ErrorKind::ALL {
        // The system clock cannot be set before 1970 in a test.
        if kind != userhash::ErrorKind::ClockBeforeEpoch {
            assert!(codes.contains(&kind.code()), "no row expects {kind}");
        }
    }
    for code in codes {
        assert!(
            userhash::ErrorKind::from_code(code).is_some(),
            "{code} is not an error code"
        );
    }
}

//! The shared conformance vectors (`testdata/vectors/*.json`), every file and every case.
//!
//! The vectors are computed by `testdata/generate_vectors.py`, independently of this crate; the
//! format is documented in `testdata/vectors/README.md`. A failure names the case `id`.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::{Path, PathBuf};

use serde_json::Value;
use userhash::{
    Attributes, Cause, DEFAULT_MAX_AGE_SECONDS, DEFAULT_MAX_FUTURE_SKEW_SECONDS, Enforcement,
    Error, ErrorKind, Freshness, Gate, Identity, Keyring, Outcome, Scheme, Secret, Signer,
    Verifier,
};

fn vectors_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../testdata/vectors")
}

/// Every case of one section, across every vector file, with the file it came from.
fn cases(section: &str) -> Vec<(String, Value)> {
    let mut files: Vec<PathBuf> = std::fs::read_dir(vectors_dir())
        .expect("testdata/vectors exists")
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 20,
        "expected the vector files, found {}",
        files.len()
    );
    let mut out = Vec::new();
    for file in files {
        let text = std::fs::read_to_string(&file).unwrap();
        let doc: Value = serde_json::from_str(&text).unwrap();
        let name = file.file_name().unwrap().to_string_lossy().into_owned();
        for case in doc[section].as_array().expect("every section is an array") {
            out.push((name.clone(), case.clone()));
        }
    }
    out
}

fn text(case: &Value, key: &str) -> Option<String> {
    case[key].as_str().map(str::to_owned)
}

fn number(case: &Value, key: &str) -> Option<u64> {
    case[key].as_u64()
}

fn id(case: &Value) -> String {
    format!("vector {}", case["id"].as_str().unwrap())
}

fn identity(case: &Value) -> Identity {
    Identity::new(text(case, "user_id"), text(case, "email"))
}

fn scheme(case: &Value) -> Result<Scheme, Error> {
    Scheme::parse(case["scheme"].as_str().unwrap())
}

fn keyring(scheme: &Scheme, case: &Value) -> Result<Keyring, Error> {
    let mut keyring = Keyring::new(scheme.clone());
    for entry in case["keyring"].as_array().unwrap() {
        let secret = Secret::for_scheme(scheme, entry["secret"].as_str().unwrap())?;
        keyring.insert(entry["label"].as_str().unwrap(), secret)?;
    }
    Ok(keyring)
}

/// The case's freshness policy (null: the defaults). A negative window, which only a binding's
/// signed integers can express, goes through `Freshness::from_signed`; the others are built
/// literally, so the verifier's own check of the ceilings is what the vectors exercise.
fn freshness(case: &Value) -> Result<Freshness, Error> {
    let (age, skew) = (&case["max_age"], &case["max_future_skew"]);
    let negative = |value: &Value| value.as_i64().is_some_and(|seconds| seconds < 0);
    let freshness = if negative(age) || negative(skew) {
        let signed = |value: &Value, default: u64| {
            value
                .as_i64()
                .unwrap_or_else(|| i64::try_from(default).unwrap())
        };
        Freshness::from_signed(
            signed(age, DEFAULT_MAX_AGE_SECONDS),
            signed(skew, DEFAULT_MAX_FUTURE_SKEW_SECONDS),
        )?
    } else {
        Freshness::new(
            age.as_u64().unwrap_or(DEFAULT_MAX_AGE_SECONDS),
            skew.as_u64().unwrap_or(DEFAULT_MAX_FUTURE_SKEW_SECONDS),
        )?
    };
    Ok(freshness.with_require_exp(case["require_exp"].as_bool().unwrap_or(true)))
}

fn verifier(case: &Value) -> Result<Verifier, Error> {
    let scheme = scheme(case)?;
    let keyring = keyring(&scheme, case)?;
    Verifier::with_freshness(keyring, freshness(case)?)
}

fn verify(case: &Value) -> Result<userhash::Verified, Error> {
    let verifier = verifier(case)?;
    let identity = identity(case);
    let token = case["token"].as_str().unwrap();
    // Non-timestamped schemes ignore the clock; 0 keeps the run independent of real time.
    let now = number(case, "now").unwrap_or(0);
    match text(case, "only_label") {
        Some(label) => verifier.verify_label_at(&label, &identity, token, now),
        None => verifier.verify_at(&identity, token, now),
    }
}

/// A JWT case's attributes; absent (hash files) or null means none.
fn attributes(case: &Value) -> Attributes {
    let given = &case["attributes"];
    let mut attributes = Attributes::new();
    attributes.name = text(given, "name");
    attributes.email_verified = given["email_verified"].as_bool();
    attributes.account_id = text(given, "account_id");
    attributes.nonce = text(given, "nonce");
    attributes.expires_in = number(given, "expires_in");
    attributes.extra_claims = text(given, "extra_claims");
    attributes
}

fn sign(case: &Value) -> Result<String, Error> {
    let scheme = scheme(case)?;
    let secret = Secret::for_scheme(&scheme, case["secret"].as_str().unwrap())?;
    let mut signer = Signer::new(scheme, &secret);
    if let Some(key_id) = text(case, "key_id") {
        signer = signer.with_key_id(&key_id)?;
    }
    let attributes = attributes(case);
    match number(case, "timestamp") {
        Some(at) if attributes.is_empty() => signer.sign_at(&identity(case), at),
        Some(at) => signer.sign_with_at(&identity(case), &attributes, at),
        None => signer.sign_with(&identity(case), &attributes),
    }
}

fn error_kind(code: &str) -> ErrorKind {
    ErrorKind::from_code(code).unwrap_or_else(|| panic!("unknown error code {code:?}"))
}

#[test]
fn sign_cases() {
    let cases = cases("sign");
    assert!(cases.len() > 100);
    for (file, case) in &cases {
        let token = sign(case).unwrap_or_else(|e| panic!("{file} {}: {e}", id(case)));
        assert_eq!(
            token,
            case["expected"].as_str().unwrap(),
            "{file} {}",
            id(case)
        );
    }
}

#[test]
fn verify_cases() {
    let cases = cases("verify");
    assert!(cases.len() > 100);
    for (file, case) in &cases {
        let expected = &case["expected"];
        let outcome = verify(case);
        if expected["valid"].as_bool().unwrap() {
            let verified = outcome.unwrap_or_else(|e| panic!("{file} {}: {e}", id(case)));
            assert_eq!(
                verified.label,
                expected["label"].as_str().unwrap(),
                "{file} {}",
                id(case)
            );
        } else {
            let error = outcome
                .err()
                .unwrap_or_else(|| panic!("{file} {} verified", id(case)));
            assert_eq!(
                error.kind(),
                error_kind(expected["error"].as_str().unwrap()),
                "{file} {}: {error}",
                id(case)
            );
        }
    }
}

#[test]
fn error_cases() {
    let cases = cases("errors");
    assert!(cases.len() > 50);
    for (file, case) in &cases {
        let outcome: Result<(), Error> = match case["operation"].as_str().unwrap() {
            "scheme" => scheme(case).map(drop),
            "secret" => scheme(case)
                .and_then(|s| Secret::for_scheme(&s, case["secret"].as_str().unwrap()))
                .map(drop),
            "sign" => sign(case).map(drop),
            // A keyring is built to verify with; an empty one is rejected when the verifier is made.
            "keyring" => verifier(case).map(drop),
            "verify" => verify(case).map(drop),
            other => panic!("{file} {}: unknown operation {other}", id(case)),
        };
        let error = outcome
            .err()
            .unwrap_or_else(|| panic!("{file} {} succeeded", id(case)));
        assert_eq!(
            error.kind(),
            error_kind(case["error"].as_str().unwrap()),
            "{file} {}: {error}",
            id(case)
        );
        let secret = case["secret"].as_str().unwrap_or("");
        if secret.len() >= 4 {
            assert!(
                !error.to_string().contains(secret),
                "{file} {}: secret echoed",
                id(case)
            );
        }
    }
}

#[test]
fn explain_cases() {
    let cases = cases("explain");
    assert!(cases.len() > 20);
    for (file, case) in &cases {
        let verifier = verifier(case).unwrap();
        let token = case["token"].as_str().unwrap();
        let expected_label = text(case, "expected_label");
        let now = number(case, "now").unwrap_or(0);
        let diagnosis = verifier
            .explain_at(&identity(case), token, expected_label.as_deref(), now)
            .unwrap_or_else(|e| panic!("{file} {}: {e}", id(case)));
        let expected = &case["expected"];
        let causes: Vec<&str> = diagnosis
            .findings()
            .iter()
            .map(|f| f.cause.code())
            .collect();
        let context = format!("{file} {}: found {causes:?}", id(case));
        for finding in diagnosis.findings() {
            // Every finding is worded from the catalogue, hash or JWT, with its facts filled in.
            let words = &finding.explanation;
            assert!(
                words.len() > 20 && !words.contains("{label}") && !words.contains("{field}"),
                "{context}: {:?} worded {words:?}",
                finding.cause
            );
        }
        assert_eq!(
            diagnosis.is_valid(),
            expected["valid"].as_bool().unwrap(),
            "{context}"
        );
        assert_eq!(diagnosis.label(), expected["label"].as_str(), "{context}");
        if let Some(first) = expected["first"].as_str() {
            assert_eq!(causes.first().copied(), Some(first), "{context}");
        }
        let includes: Vec<&str> = expected["includes"]
            .as_array()
            .unwrap()
            .iter()
            .map(|c| c.as_str().unwrap())
            .collect();
        for cause in &includes {
            assert!(
                Cause::from_code(cause).is_some(),
                "{context}: unknown cause {cause}"
            );
            assert!(causes.contains(cause), "{context}: missing {cause}");
        }
        if !diagnosis.is_valid() && includes.is_empty() {
            assert!(causes.is_empty(), "{context}: expected no known mistake");
        }
        if diagnosis.is_valid() {
            // A valid token's only note is the ambiguity of a separator-less concatenation.
            assert_eq!(causes, includes, "{context}");
        }
        for finding in diagnosis.findings() {
            assert!(
                !finding.explanation.contains(token),
                "{context}: token echoed"
            );
        }
    }
}

fn enforcement(name: &str) -> Enforcement {
    match name {
        "off" => Enforcement::Off,
        "report" => Enforcement::Report,
        "enforce" => Enforcement::Enforce,
        other => panic!("unknown enforcement {other:?}"),
    }
}

fn outcome_name(outcome: Outcome) -> &'static str {
    match outcome {
        Outcome::Verified => "verified",
        Outcome::Missing => "missing",
        Outcome::Invalid => "invalid",
        Outcome::Unidentified => "unidentified",
        Outcome::NotChecked => "not_checked",
        other => panic!("an outcome the vectors do not name: {other:?}"),
    }
}

#[test]
fn gate_cases() {
    let cases = cases("gate");
    assert!(cases.len() > 50);
    for (file, case) in &cases {
        let context = format!("{file} {}", id(case));
        let gate = Gate::new(
            verifier(case).unwrap_or_else(|e| panic!("{context}: {e}")),
            enforcement(case["enforcement"].as_str().unwrap()),
        );
        let token = case["token"].as_str();
        let now = number(case, "now").unwrap_or(0);
        let decision = match text(case, "only_label") {
            Some(label) => gate.check_label_at(&label, &identity(case), token, now),
            None => gate.check_at(&identity(case), token, now),
        };
        let expected = &case["expected"];
        assert_eq!(
            decision.allowed,
            expected["allowed"].as_bool().unwrap(),
            "{context}: {decision:?}"
        );
        assert_eq!(
            outcome_name(decision.outcome),
            expected["outcome"].as_str().unwrap(),
            "{context}"
        );
        assert_eq!(
            decision.label.as_deref(),
            expected["label"].as_str(),
            "{context}"
        );
        assert_eq!(
            decision.error.as_ref().map(|e| e.kind().code()),
            expected["error"].as_str(),
            "{context}: {decision:?}"
        );
        assert_eq!(
            decision.would_deny_when_enforced(),
            expected["would_deny_when_enforced"].as_bool().unwrap(),
            "{context}"
        );
        let claimed = &expected["claimed_identity"];
        let claimed = (!claimed.is_null()).then(|| identity(claimed));
        assert_eq!(decision.claimed_identity, claimed, "{context}");
    }
}

#[test]
fn every_preset_has_a_vector_file() {
    for name in Scheme::preset_names() {
        assert!(
            vectors_dir().join(format!("{name}.json")).exists(),
            "no vectors for {name}"
        );
    }
}

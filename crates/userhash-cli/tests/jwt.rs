//! JWT schemes through the built `userhash` binary: attributes on `sign`, claims on `verify`,
//! Zendesk's key id, and the JWT rejections with their exit status.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/common.rs"]
mod common;

use common::{SECRET, json, one_line_error, run, stdout, userhash};

const AT: &str = "1760000000";

fn sign(scheme: &str, extra: &[&str]) -> String {
    let assert = run(userhash()
        .args([
            "sign",
            "--scheme",
            scheme,
            "--secret-env",
            "UH_SECRET",
            "--at",
            AT,
        ])
        .args(extra))
    .success();
    stdout(&assert).trim().to_owned()
}

fn verify(scheme: &str, token: &str, extra: &[&str]) -> assert_cmd::assert::Assert {
    run(userhash()
        .args([
            "verify",
            "--scheme",
            scheme,
            "--secret-env",
            "UH_SECRET",
            "--json",
        ])
        .args(["--token", token, "--now", "1760000060"])
        .args(extra))
}

#[test]
fn sign_writes_attributes_and_verify_prints_the_claims() {
    let token = sign(
        "pendo",
        &[
            "--user-id",
            "42",
            "--nonce",
            "n-1",
            "--account-id",
            "acme",
            "--name",
            "Ada",
        ],
    );
    let verdict = json(&verify("pendo", &token, &["--user-id", "42"]).success());
    assert_eq!(verdict["valid"], true);
    assert_eq!(verdict["timestamp"], 1_760_000_000u64);
    assert_eq!(verdict["claims"]["visitor"]["full_name"], "Ada");
    assert_eq!(verdict["claims"]["account"]["id"], "acme");
    assert_eq!(verdict["claims"]["nonce"], "n-1");
    let shown = stdout(&verify("pendo", &token, &["--user-id", "42"]).success());
    assert!(!shown.contains(SECRET));
}

#[test]
fn a_missing_required_attribute_is_an_error_with_status_2() {
    let assert = run(userhash()
        .args(["sign", "--scheme", "pendo", "--secret-env", "UH_SECRET"])
        .args(["--user-id", "42"]))
    .code(2);
    let error = one_line_error(&assert);
    assert!(error.contains("nonce"), "{error}");
}

#[test]
fn zendesk_needs_a_key_id_which_names_the_key() {
    let assert = run(userhash()
        .args(["sign", "--scheme", "zendesk", "--secret-env", "UH_SECRET"])
        .args(["--user-id", "42"]))
    .code(2);
    assert!(one_line_error(&assert).contains("--key-id"));

    let kid = "app_64b6d9f0d7ab2e0001cd4e34";
    let token = sign("zendesk", &["--user-id", "42", "--key-id", kid]);
    let verdict = json(&verify("zendesk", &token, &["--user-id", "42", "--key-id", kid]).success());
    assert_eq!(verdict["label"], kid);
    assert_eq!(verdict["claims"]["scope"], "user");

    let other = "app_000000000000000000000000";
    let verdict = json(&verify("zendesk", &token, &["--user-id", "42", "--key-id", other]).code(1));
    assert_eq!(verdict["code"], "unknown_key_id");
}

#[test]
fn rejections_of_a_jwt_exit_1_with_their_code() {
    let token = sign("intercom-jwt", &["--user-id", "42"]);
    let verdict = json(&verify("intercom-jwt", &token, &["--user-id", "43"]).code(1));
    assert_eq!(verdict["code"], "mismatch");
    let late = run(userhash()
        .args([
            "verify",
            "--scheme",
            "intercom-jwt",
            "--secret-env",
            "UH_SECRET",
            "--json",
        ])
        .args(["--token", &token, "--now", "1770000000", "--user-id", "42"]))
    .code(1);
    assert_eq!(json(&late)["code"], "expired");
}

#[test]
fn verify_without_an_identity_reads_the_user_from_the_claims() {
    let token = sign(
        "intercom-jwt",
        &["--user-id", "42", "--email", "ada@example.com"],
    );
    let verdict = json(&verify("intercom-jwt", &token, &[]).success());
    assert_eq!(verdict["valid"], true);
    assert_eq!(verdict["claimed_identity"]["user_id"], "42");
    assert_eq!(verdict["claimed_identity"]["email"], "ada@example.com");
    // With an identity, that identity is what is verified, and nothing is claimed.
    let given = json(&verify("intercom-jwt", &token, &["--user-id", "42"]).success());
    assert!(given["claimed_identity"].is_null(), "{given}");

    // A forged token without an identity is rejected, never waved through.
    let (head, rest) = token.split_once('.').unwrap();
    let (_, signature) = rest.split_once('.').unwrap();
    let forged = format!("{head}.eyJ1c2VyX2lkIjoiMSJ9.{signature}");
    let rejected = json(&verify("intercom-jwt", &forged, &[]).code(1));
    assert_eq!(rejected["code"], "mismatch");

    // A hash names no user: without an identity it cannot be verified (an input error).
    let hash = common::signer("intercom", SECRET)
        .sign(&userhash::Identity::from_user_id("42"))
        .unwrap();
    let assert = run(userhash()
        .args([
            "verify",
            "--scheme",
            "intercom",
            "--secret-env",
            "UH_SECRET",
        ])
        .args(["--token", &hash]))
    .code(2);
    assert!(one_line_error(&assert).contains("neither a user_id nor an email"));
}

/// A genuine intercom-jwt token for user 42 with these claims besides `user_id`.
fn token_with_times(times: &str) -> String {
    use base64::Engine as _;
    let encode = |bytes: &[u8]| base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(bytes);
    let signing_input = format!(
        "{}.{}",
        encode(br#"{"alg":"HS256","typ":"JWT"}"#),
        encode(format!(r#"{{{times}"user_id":"42"}}"#).as_bytes())
    );
    let mut mac = <hmac::Hmac<sha2::Sha256> as hmac::KeyInit>::new_from_slice(SECRET.as_bytes())
        .expect("HMAC takes keys of any length");
    hmac::Mac::update(&mut mac, signing_input.as_bytes());
    format!(
        "{signing_input}.{}",
        encode(&hmac::Mac::finalize(mac).into_bytes())
    )
}

#[test]
fn a_jwt_must_carry_exp_unless_told_and_cannot_outlive_the_max_age() {
    let no_exp = token_with_times(r#""iat":1760000000,"#);
    let rejected = json(&verify("intercom-jwt", &no_exp, &["--user-id", "42"]).code(1));
    assert_eq!(rejected["code"], "missing_claim");
    let allowed = &["--user-id", "42", "--no-require-exp"];
    assert_eq!(
        json(&verify("intercom-jwt", &no_exp, allowed).success())["valid"],
        true
    );

    let ten_years = token_with_times(r#""exp":2075360000,"iat":1760000000,"#);
    let rejected = json(&verify("intercom-jwt", &ten_years, &["--user-id", "42"]).code(1));
    assert_eq!(rejected["code"], "invalid_claim");

    // A negative window is refused with the library's typed error, as in every binding.
    let assert = verify(
        "intercom-jwt",
        &no_exp,
        &["--user-id", "42", "--max-age", "-1"],
    )
    .code(2);
    let error: serde_json::Value = serde_json::from_slice(&assert.get_output().stderr).unwrap();
    assert_eq!(error["error"]["code"], "invalid_freshness");
}

//! The built `userhash` binary, command by command: output, `--json`, exit codes, bad input,
//! and no secret ever printed.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/common.rs"]
mod common;

use common::{
    ANDROID_SECRET, SECRET, json, one_line_error, production_keyring, run, signer, stderr, stdout,
    userhash, write_config,
};
use std::os::unix::fs::PermissionsExt as _;
use std::path::PathBuf;

use predicates::prelude::*;
use userhash::{Identity, Scheme};

fn sign_flags(scheme: &str) -> Vec<String> {
    ["sign", "--scheme", scheme, "--secret-env", "UH_SECRET"]
        .map(String::from)
        .to_vec()
}

// --- help and completions ---

#[test]
fn help_teaches_the_tool_and_documents_exit_codes() {
    let help = stdout(&run(userhash().arg("--help")).success());
    for needle in [
        "userhash sign",
        "userhash verify",
        "userhash explain",
        "userhash batch",
        "--secret-env",
        "--secret-file",
        "--secret-stdin",
        "[apps.acme.production]",
        "Exit status",
        "2  usage",
    ] {
        assert!(help.contains(needle), "--help lacks {needle:?}:\n{help}");
    }
    for command in ["sign", "verify", "explain", "batch", "schemes"] {
        run(userhash().args([command, "--help"]))
            .success()
            .stdout(predicate::str::contains("Exit status"));
    }
}

#[test]
fn usage_errors_are_one_line_with_status_2() {
    let assert = run(userhash()
        .args(sign_flags("intercom"))
        .args(["--userid", "42"]))
    .code(2)
    .stdout("");
    let err = one_line_error(&assert);
    assert!(
        err.contains("'--userid'") && err.contains("'--user-id'"),
        "{err}"
    );

    let assert = run(userhash().args(sign_flags("intercom")).args([
        "--user-id",
        "42",
        "--secret-stdin",
        "--json",
    ]))
    .code(2);
    let error: serde_json::Value = serde_json::from_str(stderr(&assert).trim()).unwrap();
    assert_eq!(error["error"]["code"], "usage");

    run(userhash().arg("--version"))
        .success()
        .stdout(predicate::str::starts_with("userhash "));
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        run(userhash().args(["completions", shell]))
            .success()
            .stdout(predicate::str::contains("userhash"));
    }
    let doc = json(&run(userhash().args(["completions", "bash", "--json"])).success());
    assert_eq!(doc["shell"], "bash");
    assert!(doc["script"].as_str().unwrap().contains("userhash"));
    run(userhash().args(["completions", "tcsh"])).code(2);
}

// --- schemes ---

#[test]
fn schemes_lists_every_preset_with_its_source() {
    let text = stdout(&run(userhash().arg("schemes")).success());
    for scheme in Scheme::presets() {
        let preset = scheme.preset().unwrap();
        assert!(text.contains(preset.name), "{}", preset.name);
        assert!(text.contains(preset.source), "{}", preset.source);
    }
    assert!(text.contains("base64") && text.contains("inferred"));
}

#[test]
fn schemes_json_has_every_field() {
    let doc = json(&run(userhash().args(["schemes", "--json"])).success());
    let list = doc.as_array().unwrap();
    assert_eq!(list.len(), userhash::presets::PRESETS.len());
    let jimo = list.iter().find(|entry| entry["name"] == "jimo").unwrap();
    assert_eq!(jimo["vendor"], "Jimo");
    assert_eq!(jimo["subject"], "user_id");
    assert_eq!(jimo["key_encoding"], "utf8");
    assert_eq!(jimo["output"], "hex");
    assert_eq!(jimo["timestamp"], "suffix");
    assert_eq!(jimo["confidence"], "confirmed");
    assert_eq!(jimo["client_parameter"], "identify signature");
    assert_eq!(jimo["payload_key"], "signature");
    assert_eq!(jimo["spec"], Scheme::by_name("jimo").unwrap().spec());
    let pylon = list.iter().find(|entry| entry["name"] == "pylon").unwrap();
    assert_eq!(pylon["key_encoding"], "hex");
    assert!(pylon["source"].as_str().unwrap().contains("Pylon"));
}

// --- sign ---

#[test]
fn sign_prints_the_library_token() {
    let ada = Identity::from_user_id("42").with_email("ada@example.com");
    for scheme in [
        "intercom",
        "helpshift",
        "plain",
        "subject=user_id,output=base64",
    ] {
        let printed = stdout(
            &run(userhash().args(sign_flags(scheme)).args([
                "--user-id",
                "42",
                "--email",
                "ada@example.com",
            ]))
            .success(),
        );
        let expected = signer(scheme, SECRET).sign(&ada).unwrap();
        assert_eq!(printed, format!("{expected}\n"), "{scheme}");
    }
}

#[test]
fn sign_timestamped_with_at_and_json() {
    let assert = run(userhash().args(sign_flags("jimo")).args([
        "--user-id",
        "id-c5c178f6",
        "--at",
        "1741761604",
        "--json",
    ]))
    .success();
    let doc = json(&assert);
    let expected = signer("jimo", SECRET)
        .sign_at(&Identity::from_user_id("id-c5c178f6"), 1_741_761_604)
        .unwrap();
    assert_eq!(doc["token"], expected.as_str());
    assert_eq!(doc["timestamp"], 1_741_761_604);
    assert_eq!(doc["scheme"], "jimo");
    assert_eq!(doc["label"], "default");
    assert_eq!(doc["fingerprint"].as_str().unwrap().len(), 12);

    // Without --at, the clock: the token ends in a plausible Unix time.
    let now = stdout(&run(userhash().args(sign_flags("jimo")).args(["--user-id", "1"])).success());
    let seconds: u64 = now.trim().rsplit_once('-').unwrap().1.parse().unwrap();
    assert!(seconds > 1_700_000_000);
}

#[test]
fn sign_at_on_an_untimed_scheme_is_a_usage_error() {
    run(userhash()
        .args(sign_flags("intercom"))
        .args(["--user-id", "42", "--at", "5"]))
    .code(2)
    .stdout("")
    .stderr(predicate::str::contains("--at").and(predicate::str::contains("intercom")));
}

#[test]
fn every_secret_source_gives_the_same_token() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("secret");
    common::write_secret(&file, &format!("{SECRET}\n\n"));
    let expected = format!(
        "{}\n",
        signer("intercom", SECRET)
            .sign(&Identity::from_user_id("42"))
            .unwrap()
    );
    let base = ["sign", "--scheme", "intercom", "--user-id", "42"];
    run(userhash().args(base).args(["--secret-env", "UH_SECRET"]))
        .success()
        .stdout(expected.clone());
    run(userhash().args(base).arg("--secret-file").arg(&file))
        .success()
        .stdout(expected.clone());
    run(userhash()
        .args(base)
        .arg("--secret-stdin")
        .write_stdin(format!("{SECRET}\n")))
    .success()
    .stdout(expected);
}

#[test]
fn missing_or_ambiguous_secret_sources_are_usage_errors() {
    // No source at all.
    run(userhash().args(["sign", "--scheme", "intercom", "--user-id", "42"]))
        .code(2)
        .stderr(predicate::str::contains("--secret-env"));
    // Two sources.
    run(userhash().args([
        "sign",
        "--scheme",
        "intercom",
        "--user-id",
        "42",
        "--secret-env",
        "UH_SECRET",
        "--secret-stdin",
    ]))
    .code(2);
    // A variable that is not set: named, one line.
    let assert = run(userhash().args([
        "sign",
        "--scheme",
        "intercom",
        "--user-id",
        "42",
        "--secret-env",
        "UH_UNSET",
    ]))
    .code(2)
    .stdout("");
    let err = one_line_error(&assert);
    assert!(err.contains("UH_UNSET") && err.contains("not set"), "{err}");
    // A file that does not exist, and an empty one.
    let dir = tempfile::tempdir().unwrap();
    run(userhash()
        .args([
            "sign",
            "--scheme",
            "intercom",
            "--user-id",
            "42",
            "--secret-file",
        ])
        .arg(dir.path().join("nope")))
    .code(2)
    .stderr(predicate::str::contains("nope"));
    let empty = dir.path().join("empty");
    common::write_secret(&empty, "\n");
    run(userhash()
        .args([
            "sign",
            "--scheme",
            "intercom",
            "--user-id",
            "42",
            "--secret-file",
        ])
        .arg(&empty))
    .code(2)
    .stderr(predicate::str::contains("empty"));
    // Secrets are never flags.
    run(userhash().args([
        "sign",
        "--scheme",
        "intercom",
        "--user-id",
        "42",
        "--secret",
        SECRET,
    ]))
    .code(2);
}

#[test]
fn a_secret_path_that_is_not_a_regular_file_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("secret.fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    // Before, reading a FIFO blocked until a writer came: the timeout turns that into a failure.
    for path in [
        fifo.as_path(),
        std::path::Path::new("/dev/zero"),
        dir.path(),
    ] {
        let assert = run(userhash()
            .args(["sign", "--scheme", "intercom", "--user-id", "42"])
            .arg("--secret-file")
            .arg(path)
            .timeout(std::time::Duration::from_secs(20)))
        .code(2);
        let error = one_line_error(&assert);
        assert!(error.contains("not a regular file"), "{error}");
    }
}

/// [`write_config`] in a new folder, its Android secret file made readable by group and others
/// (0644): the folder (kept while it is held), the config's path and the secret file's path.
fn config_with_a_shared_secret_file() -> (tempfile::TempDir, PathBuf, PathBuf) {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path());
    let shared = dir.path().join("android.secret");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o644)).unwrap();
    (dir, config, shared)
}

#[test]
fn a_secret_file_others_can_read_is_warned_about_once() {
    let (_dir, config, shared) = config_with_a_shared_secret_file();
    let mut flags = vec![
        "sign",
        "--scheme",
        "intercom",
        "--user-id",
        "42",
        "--secret-file",
    ];
    flags.push(shared.to_str().unwrap());
    let assert = run(userhash().args(&flags)).success();
    let warning = one_line_error(&assert);
    assert!(
        warning.starts_with("userhash: warning: secret file"),
        "{warning}"
    );
    assert!(warning.contains("chmod 600"), "{warning}");
    let doc: serde_json::Value = serde_json::from_str(&stderr(
        &run(userhash().args(&flags).arg("--json")).success(),
    ))
    .unwrap();
    assert_eq!(doc["warning"]["code"], "secret_file_readable_by_others");

    // A config naming the file is warned about once, in one line; an owner-only file never.
    let config = config.to_str().unwrap();
    let keyring = [
        "--config",
        config,
        "--app",
        "acme",
        "--env",
        "production",
        "--label",
        "ios",
    ];
    let assert = run(userhash().args(["sign", "--user-id", "42"]).args(keyring)).success();
    assert_eq!(stderr(&assert).lines().count(), 1, "{}", stderr(&assert));
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o600)).unwrap();
    let quiet = run(userhash().args(&flags)).success();
    assert_eq!(stderr(&quiet), "");
}

#[test]
fn payload_warns_once_about_a_secret_file_others_can_read() {
    let (_dir, config, shared) = config_with_a_shared_secret_file();
    let flags = [
        "payload",
        "--config",
        config.to_str().unwrap(),
        "--app",
        "acme",
        "--env",
        "production",
        "--platform",
        "android",
        "--user-id",
        "42",
    ];
    let warned = run(userhash().args(flags)).success();
    let warning = one_line_error(&warned);
    assert!(
        warning.starts_with("userhash: warning: secret file"),
        "{warning}"
    );
    assert!(!warning.contains(ANDROID_SECRET), "{warning}");
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o600)).unwrap();
    let quiet = run(userhash().args(flags)).success();
    assert_eq!(stderr(&quiet), "");
    assert_eq!(stdout(&quiet), stdout(&warned));
}

#[test]
fn values_beginning_with_a_hyphen_are_values() {
    // Space-separated, as people type them: clap once read these as unknown flags.
    let identity = Identity::from_user_id("-42").with_email("-ada@example.com");
    let expected = signer("helpshift", SECRET).sign(&identity).unwrap();
    let signed = run(userhash().args([
        "sign",
        "--scheme",
        "helpshift",
        "--secret-env",
        "UH_SECRET",
        "--user-id",
        "-42",
        "--email",
        "-ada@example.com",
    ]))
    .success();
    assert_eq!(stdout(&signed).trim(), expected);
    let base = ["--scheme", "helpshift", "--secret-env", "UH_SECRET"];
    let ids = ["--user-id", "-42", "--email", "-ada@example.com"];
    run(userhash()
        .arg("verify")
        .args(base)
        .args(ids)
        .args(["--token", &expected]))
    .success();
    // A token that begins with a hyphen reaches the library, which judges it.
    let doc = json(
        &run(userhash()
            .arg("verify")
            .args(base)
            .args(ids)
            .args(["--token", "-Xy0", "--json"]))
        .code(1),
    );
    assert_eq!(doc["code"], "malformed_token");
    // JWT attributes, a key id and CSV column names too.
    let jwt = json(
        &run(userhash().args([
            "sign",
            "--scheme",
            "zendesk",
            "--secret-env",
            "UH_SECRET",
            "--key-id",
            "-kid",
            "--user-id",
            "-42",
            "--name",
            "-Ada",
            "--json",
        ]))
        .success(),
    );
    assert_eq!(jwt["key_id"], "-kid");
    let dir = tempfile::tempdir().unwrap();
    let input = dir.path().join("users.csv");
    std::fs::write(&input, "-id\n-42\n").unwrap();
    let batch = run(userhash()
        .args(["batch", "--scheme", "intercom", "--secret-env", "UH_SECRET"])
        .arg("--input")
        .arg(&input)
        .args(["--user-id-column", "-id", "--hash-column", "-hash"]))
    .success();
    let hash = signer("intercom", SECRET)
        .sign(&Identity::from_user_id("-42"))
        .unwrap();
    assert!(
        stdout(&batch).contains(&format!("-42,{hash}")),
        "{}",
        stdout(&batch)
    );
}

#[test]
fn unknown_scheme_is_one_clear_line_or_json() {
    let assert = run(userhash()
        .args(sign_flags("intercomm"))
        .args(["--user-id", "42"]))
    .code(2)
    .stdout("");
    let err = one_line_error(&assert);
    assert!(
        err.starts_with("userhash: error: --scheme: unknown scheme"),
        "{err}"
    );
    assert!(
        !err.contains("panicked") && !err.contains("backtrace"),
        "{err}"
    );

    let assert = run(userhash()
        .args(sign_flags("intercomm"))
        .args(["--user-id", "42", "--json"]))
    .code(2)
    .stdout("");
    let error: serde_json::Value = serde_json::from_str(stderr(&assert).trim()).unwrap();
    assert_eq!(error["error"]["code"], "unknown_scheme");
    assert!(
        error["error"]["message"]
            .as_str()
            .unwrap()
            .contains("intercomm")
    );

    run(userhash()
        .args(sign_flags("subject=nobody"))
        .args(["--user-id", "42", "--json"]))
    .code(2)
    .stderr(predicate::str::contains("invalid_scheme"));
}

#[test]
fn identity_errors() {
    // Neither field: clap requires one.
    run(userhash().args(sign_flags("intercom"))).code(2);
    // An empty id, and the field the scheme signs missing.
    run(userhash()
        .args(sign_flags("intercom"))
        .args(["--user-id", ""]))
    .code(2)
    .stderr(predicate::str::contains("user_id is empty"));
    run(userhash()
        .args(sign_flags("jimo"))
        .args(["--email", "a@example.com", "--json"]))
    .code(2)
    .stderr(predicate::str::contains("missing_field"));
}

// --- verify ---

fn token(scheme: &str, identity: &Identity) -> String {
    signer(scheme, SECRET).sign(identity).unwrap()
}

fn verify_flags(scheme: &str, user_id: &str, token: &str) -> Vec<String> {
    [
        "verify",
        "--scheme",
        scheme,
        "--secret-env",
        "UH_SECRET",
        "--user-id",
        user_id,
        "--token",
        token,
    ]
    .map(String::from)
    .to_vec()
}

#[test]
fn verify_valid_and_mismatch() {
    let good = token("intercom", &Identity::from_user_id("42"));
    run(userhash().args(verify_flags("intercom", "42", &good)))
        .success()
        .stdout(predicate::str::starts_with("valid").and(predicate::str::contains("default")));
    let doc = json(
        &run(userhash()
            .args(verify_flags("intercom", "42", &good))
            .arg("--json"))
        .success(),
    );
    assert_eq!(doc["valid"], true);
    assert_eq!(doc["label"], "default");

    run(userhash().args(verify_flags("intercom", "43", &good)))
        .code(1)
        .stdout(
            predicate::str::starts_with("rejected").and(predicate::str::contains("does not match")),
        );
    let doc = json(
        &run(userhash()
            .args(verify_flags("intercom", "43", &good))
            .arg("--json"))
        .code(1),
    );
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["code"], "mismatch");
}

#[test]
fn verify_malformed_tokens_are_rejected_with_the_reason() {
    for (bad, code) in [
        ("not-a-token", "malformed_token"),
        ("", "malformed_token"),
        (&"A".repeat(64) as &str, "malformed_token"),
    ] {
        let doc = json(
            &run(userhash()
                .args(verify_flags("intercom", "42", bad))
                .arg("--json"))
            .code(1),
        );
        assert_eq!(doc["code"], code, "{bad}");
    }
    let upper = token("intercom", &Identity::from_user_id("42")).to_uppercase();
    run(userhash().args(verify_flags("intercom", "42", &upper)))
        .code(1)
        .stdout(predicate::str::contains("upper-case"));
}

#[test]
fn verify_timestamped_uses_now_and_freshness() {
    let issued = 1_700_000_000u64;
    let stamped = signer("jimo", SECRET)
        .sign_at(&Identity::from_user_id("u1"), issued)
        .unwrap();
    let at = |now: u64| {
        let mut flags = verify_flags("jimo", "u1", &stamped);
        flags.extend(["--now".to_owned(), now.to_string(), "--json".to_owned()]);
        flags
    };
    let doc = json(&run(userhash().args(at(issued + 60))).success());
    assert_eq!(doc["timestamp"], issued);
    let doc = json(&run(userhash().args(at(issued + 7200))).code(1));
    assert_eq!(doc["code"], "expired");
    run(userhash()
        .args(at(issued + 7200))
        .args(["--max-age", "86400"]))
    .success();
    let doc = json(&run(userhash().args(at(issued - 3600))).code(1));
    assert_eq!(doc["code"], "from_the_future");
}

// --- explain ---

#[test]
fn explain_names_the_mistake_and_the_fix() {
    // The server hashed the email although the client sends a user id.
    let hashed_email = token("intercom", &Identity::from_email("ada@example.com"));
    let flags = [
        "explain",
        "--scheme",
        "intercom",
        "--secret-env",
        "UH_SECRET",
        "--user-id",
        "42",
        "--email",
        "ada@example.com",
        "--token",
        &hashed_email,
    ];
    let text = stdout(&run(userhash().args(flags)).code(1));
    assert!(text.starts_with("rejected (mismatch)"), "{text}");
    assert!(text.contains("email_instead_of_user_id"), "{text}");
    assert!(text.contains("Fix: Hash the user_id"), "{text}");

    let doc = json(&run(userhash().args(flags).arg("--json")).code(1));
    assert_eq!(doc["valid"], false);
    assert_eq!(doc["rejection"]["code"], "mismatch");
    assert_eq!(doc["findings"][0]["cause"], "email_instead_of_user_id");
    assert!(
        doc["findings"][0]["fix"]
            .as_str()
            .unwrap()
            .contains("user_id")
    );
}

#[test]
fn explain_uppercase_hex_and_valid_tokens() {
    let good = token("intercom", &Identity::from_user_id("42"));
    let mut flags = verify_flags("intercom", "42", &good);
    flags[0] = "explain".to_owned();
    run(userhash().args(&flags))
        .success()
        .stdout(predicate::str::starts_with("valid"));

    flags[8] = good.to_uppercase();
    let doc = json(&run(userhash().args(&flags).arg("--json")).code(1));
    assert_eq!(doc["rejection"]["code"], "malformed_token");
    assert_eq!(doc["findings"][0]["cause"], "uppercase_hex");

    // Nothing known reproduces a random token: say so, still exit 1.
    flags[8] = "0".repeat(64);
    run(userhash().args(&flags))
        .code(1)
        .stdout(predicate::str::contains("No known mistake"));
}

// --- keyrings from a config file ---

#[test]
fn explain_warns_that_a_helpshift_token_fits_another_split() {
    // Made for user id "ali" and email "ce@example.com": the same bytes as "alice@example.com".
    let split = token(
        "helpshift",
        &Identity::from_user_id("ali").with_email("ce@example.com"),
    );
    let mut flags = verify_flags("helpshift", "alice@example.com", &split);
    flags[0] = "explain".to_owned();
    let text = stdout(&run(userhash().args(&flags)).success());
    assert!(text.starts_with("valid"), "{text}");
    assert!(text.contains("ambiguous_concatenation"), "{text}");
    let doc = json(&run(userhash().args(&flags).arg("--json")).success());
    assert_eq!(doc["findings"][0]["cause"], "ambiguous_concatenation");
    assert!(
        doc["summary"].as_str().unwrap().contains("no separator"),
        "{doc}"
    );
}

fn config_flags(config: &std::path::Path, command: &str, env: &str) -> Vec<String> {
    vec![
        command.to_owned(),
        "--config".to_owned(),
        config.display().to_string(),
        "--app".to_owned(),
        "acme".to_owned(),
        "--env".to_owned(),
        env.to_owned(),
    ]
}

#[test]
fn config_keyrings_sign_verify_and_explain() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path());
    let keyring = production_keyring();
    let ada = Identity::from_user_id("42");
    let from_android = keyring.signer("android").unwrap().sign(&ada).unwrap();

    // sign: several keys need --label; the file's trailing newline is not part of the secret.
    run(userhash()
        .args(config_flags(&config, "sign", "production"))
        .args(["--user-id", "42"]))
    .code(2)
    .stderr(predicate::str::contains("--label").and(predicate::str::contains("ios, android")));
    run(userhash()
        .args(config_flags(&config, "sign", "production"))
        .args(["--user-id", "42", "--label", "android"]))
    .success()
    .stdout(format!("{from_android}\n"));
    assert_eq!(
        from_android,
        signer("intercom", ANDROID_SECRET).sign(&ada).unwrap()
    );

    // verify: any key, and the one that matched is named; or only the platform's key.
    let mut verify = config_flags(&config, "verify", "production");
    verify.extend(["--user-id", "42", "--token", &from_android].map(String::from));
    let doc = json(&run(userhash().args(&verify).arg("--json")).success());
    assert_eq!(doc["label"], "android");
    run(userhash().args(&verify).args(["--label", "ios"])).code(1);
    // The test workspace's key does not verify production tokens.
    let mut test_env = config_flags(&config, "verify", "test");
    test_env.extend(["--user-id", "42", "--token", &from_android].map(String::from));
    run(userhash().args(&test_env)).code(1);

    // explain: an iOS request carrying the Android key's hash.
    let mut explain = config_flags(&config, "explain", "production");
    explain.extend(
        [
            "--user-id",
            "42",
            "--label",
            "ios",
            "--token",
            &from_android,
        ]
        .map(String::from),
    );
    let doc = json(&run(userhash().args(&explain).arg("--json")).code(1));
    assert_eq!(doc["findings"][0]["cause"], "wrong_key");
    assert_eq!(doc["findings"][0]["label"], "android");
    let text = stdout(&run(userhash().args(&explain)).code(1));
    assert!(text.contains("wrong_key, key android"), "{text}");
}

#[test]
fn config_errors_name_the_place() {
    let dir = tempfile::tempdir().unwrap();
    let config = write_config(dir.path());
    let mut flags = config_flags(&config, "sign", "production");
    flags[4] = "nope".to_owned();
    run(userhash().args(&flags).args(["--user-id", "1"]))
        .code(2)
        .stderr(
            predicate::str::contains("no app named \"nope\"")
                .and(predicate::str::contains("\"acme\"")),
        );

    run(userhash()
        .args(config_flags(&config, "sign", "staging"))
        .args(["--user-id", "1", "--json"]))
    .code(2)
    .stderr(predicate::str::contains("config_unknown_environment"));

    // A key whose variable is not set: the variable and the key are named.
    run(userhash()
        .args(config_flags(&config, "sign", "test"))
        .args(["--user-id", "1"])
        .env_remove("UH_TEST"))
    .code(2)
    .stderr(
        predicate::str::contains("UH_TEST")
            .and(predicate::str::contains("apps.acme.test.keys.web")),
    );

    // --scheme must agree with the config.
    run(userhash()
        .args(config_flags(&config, "sign", "test"))
        .args(["--user-id", "1", "--scheme", "helpshift"]))
    .code(2)
    .stderr(predicate::str::contains("disagrees"));

    // --app without --config, --config without --app.
    run(userhash().args([
        "sign",
        "--user-id",
        "1",
        "--secret-env",
        "UH_SECRET",
        "--scheme",
        "intercom",
        "--app",
        "acme",
    ]))
    .code(2);
    run(userhash()
        .args(["sign", "--user-id", "1", "--config"])
        .arg(&config))
    .code(2);

    // A secret pasted into the config is refused without being echoed.
    let leaky = dir.path().join("leaky.toml");
    std::fs::write(
        &leaky,
        format!("[apps.acme.production]\nscheme = \"intercom\"\nkeys.ios = \"{SECRET}\"\n"),
    )
    .unwrap();
    run(userhash()
        .args(config_flags(&leaky, "sign", "production"))
        .args(["--user-id", "1"]))
    .code(2)
    .stderr(predicate::str::contains("keys.ios"));
}

//! A recognisable secret, given every way the CLI reads one (file, variable, stdin, a config
//! keyring), and its hex form for the schemes that hex-decode their secret, never appears on
//! stdout or stderr: not when signing, verifying or explaining, not in any error, not in a batch
//! with broken rows, not with `--json`.
//!
//! The canary also goes where a token or an identifier belongs, as a confused caller would put
//! it. Scheme names, labels, variable names and paths are echoed by design (to say which one is
//! wrong), so the canary is never put there.

#![allow(clippy::unwrap_used, clippy::expect_used)]

#[path = "support/common.rs"]
mod common;

use std::path::{Path, PathBuf};

use userhash::{Identity, KeyEncoding, Scheme, Secret, Signer};

const CANARY: &str = "LEAKCANARY-7f3a9c";
const OTHER: &str = "OTHERCANARY-0b1d2e";
const NOW: u64 = 1_741_761_700;
const ISSUED: u64 = NOW - 96;

fn hex(text: &str) -> String {
    text.bytes().map(|byte| format!("{byte:02x}")).collect()
}

/// A secret as the scheme wants it typed into a dashboard: text, or hex for hex-key schemes.
fn typed(scheme: &Scheme, secret: &str) -> String {
    if scheme.key_encoding() == KeyEncoding::Hex {
        hex(secret)
    } else {
        secret.to_owned()
    }
}

fn forbidden() -> Vec<String> {
    let hex = hex(CANARY);
    vec![CANARY.to_owned(), hex.to_uppercase(), hex]
}

/// Runs the command and fails if either stream shows the canary; returns the exit status.
fn run_hidden(command: &mut assert_cmd::Command, what: &str) -> Option<i32> {
    let output = command.output().unwrap();
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        for secret in forbidden() {
            assert!(
                !text.contains(&secret),
                "{what}: {secret:?} printed:\n{text}"
            );
        }
    }
    output.status.code()
}

/// The token `secret` (typed as the scheme wants) makes for `identity`, stamped `at` if timed.
fn token(scheme: &Scheme, secret: &str, identity: &Identity, at: u64) -> String {
    let signer = Signer::new(scheme.clone(), &Secret::for_scheme(scheme, secret).unwrap());
    if scheme.is_timestamped() {
        signer.sign_at(identity, at).unwrap()
    } else {
        signer.sign(identity).unwrap()
    }
}

/// The ways to hand the CLI one secret: as flags, plus what to write on stdin.
fn sources(dir: &Path, secret: &str) -> Vec<(Vec<String>, String)> {
    let file = dir.join("canary.secret");
    common::write_secret(&file, &format!("{secret}\n"));
    vec![
        (
            vec![format!("--secret-file={}", file.display())],
            String::new(),
        ),
        (vec!["--secret-env=UH_CANARY".to_owned()], String::new()),
        (vec!["--secret-stdin".to_owned()], format!("{secret}\n")),
    ]
}

fn userhash(secret: &str, stdin: &str) -> assert_cmd::Command {
    let mut command = common::userhash();
    command
        .env("UH_CANARY", secret)
        .write_stdin(stdin.to_owned());
    command
}

/// A CSV with good rows, an empty id, an over-long id and a row without the scheme's field.
fn batch_input(dir: &Path) -> PathBuf {
    let path = dir.join("users.csv");
    let long = "x".repeat(1025);
    std::fs::write(
        &path,
        format!("user_id,email\n42,ada@example.com\n,ada@example.com\n{long},\n42,\n,\n"),
    )
    .unwrap();
    path
}

#[test]
fn the_canary_secret_never_prints() {
    let dir = tempfile::tempdir().unwrap();
    let users = batch_input(dir.path());
    let ada = Identity::from_user_id("42").with_email("ada@example.com");
    let mut runs = 0;
    for name in ["intercom", "helpshift", "jimo", "pylon", "channel-io"] {
        let scheme = Scheme::by_name(name).unwrap();
        let secret = typed(&scheme, CANARY);
        let genuine = token(&scheme, &secret, &ada, ISSUED);
        let mut tokens = vec![
            genuine.clone(),
            genuine.to_uppercase(),
            token(&scheme, &typed(&scheme, OTHER), &ada, ISSUED),
            CANARY.to_owned(),
            hex(CANARY),
            String::new(),
        ];
        if scheme.is_timestamped() {
            tokens.push(token(&scheme, &secret, &ada, ISSUED * 1000));
            tokens.push(token(&scheme, &secret, &ada, NOW - 7200));
            tokens.push(genuine.split('-').next().unwrap().to_owned());
        }
        let identities: [&[&str]; 4] = [
            &["--user-id=42", "--email=ada@example.com"],
            &["--user-id=", "--email="],
            &["--user-id", CANARY],
            &["--email", CANARY],
        ];
        for (flags, stdin) in sources(dir.path(), &secret) {
            let scheme_flag = format!("--scheme={name}");
            let mut sign = |extra: &[&str], what: &str| {
                let mut command = userhash(&secret, &stdin);
                command
                    .args(["sign", &scheme_flag])
                    .args(&flags)
                    .args(extra);
                runs += 1;
                run_hidden(&mut command, what)
            };
            for identity in identities {
                for json in [&[][..], &["--json"][..]] {
                    sign(&[identity, json].concat(), "sign");
                    sign(&[identity, json, &["--at=5"]].concat(), "sign --at");
                }
            }
            let long = format!("--user-id={}", CANARY.repeat(70));
            sign(&[long.as_str(), "--json"], "sign, too long");
            for format in [&[][..], &["--json"][..]] {
                let mut batch = userhash(&secret, &stdin);
                batch
                    .args(["batch", &scheme_flag, "--input"])
                    .arg(&users)
                    .args(&flags)
                    .args(format);
                if scheme.is_timestamped() {
                    batch.arg("--at=5");
                }
                runs += 1;
                let status = run_hidden(&mut batch, "batch");
                assert!(matches!(status, Some(0 | 1)), "batch {name}: {status:?}");
            }
        }
        // The reading of the secret is the same for every source: the file alone from here.
        let (flags, stdin) = sources(dir.path(), &secret).swap_remove(0);
        for command in ["verify", "explain"] {
            for token in &tokens {
                for identity in [identities[0], identities[2]] {
                    let mut run = userhash(&secret, &stdin);
                    run.args([
                        command,
                        &format!("--scheme={name}"),
                        &format!("--token={token}"),
                    ])
                    .args(&flags)
                    .args(identity)
                    .arg(format!("--now={NOW}"));
                    runs += 1;
                    let status = run_hidden(&mut run, command);
                    assert!(matches!(status, Some(0..=2)), "{command}: {status:?}");
                    run.arg("--json");
                    runs += 1;
                    run_hidden(&mut run, command);
                }
            }
        }
        // Secrets that the scheme cannot use, every way they can be given.
        for bad in [
            format!("{secret}a"),
            format!("0x{secret}"),
            format!("{secret} x"),
            CANARY.to_owned(),
            String::new(),
        ] {
            for (flags, stdin) in sources(dir.path(), &bad) {
                let mut sign = userhash(&bad, &stdin);
                sign.args(["sign", &format!("--scheme={name}"), "--user-id=42"])
                    .args(["--email=ada@example.com", "--json"])
                    .args(&flags);
                runs += 1;
                run_hidden(&mut sign, "sign, unusable secret");
            }
        }
    }
    assert!(runs > 500, "only {runs} runs");
}

#[test]
fn a_config_keyring_never_prints_its_secrets() {
    let dir = tempfile::tempdir().unwrap();
    let config = dir.path().join("userhash.toml");
    std::fs::write(
        &config,
        "[apps.acme.production]\nscheme = \"pylon\"\nkeys.web = { env = \"UH_CANARY\" }\nkeys.ios = { env = \"UH_OTHER\" }\n",
    )
    .unwrap();
    let scheme = Scheme::by_name("pylon").unwrap();
    let ada = Identity::from_email("ada@example.com");
    let from_ios = token(&scheme, &hex(OTHER), &ada, 0);
    let as_text = Signer::new(scheme.clone(), &Secret::from_text(&hex(CANARY)).unwrap())
        .sign(&ada)
        .unwrap();
    let base = |command: &str| {
        let mut run = userhash(&hex(CANARY), "");
        run.env("UH_OTHER", hex(OTHER))
            .arg(command)
            .arg("--config")
            .arg(&config)
            .args(["--app=acme", "--env=production", "--email=ada@example.com"]);
        run
    };
    for token in [&from_ios, &as_text, &CANARY.to_owned()] {
        for label in ["--label=web", "--label=ios", "--label=android"] {
            for json in [&[][..], &["--json"][..]] {
                let mut explain = base("explain");
                explain
                    .args([&format!("--token={token}"), label])
                    .args(json);
                let status = run_hidden(&mut explain, "explain");
                assert!(matches!(status, Some(0..=2)), "explain: {status:?}");
                let mut verify = base("verify");
                verify.args([&format!("--token={token}"), label]).args(json);
                run_hidden(&mut verify, "verify");
            }
        }
    }
    // The diagnoses above had something to say about the canary's key.
    let mut explain = base("explain");
    explain.args([&format!("--token={as_text}"), "--label=web", "--json"]);
    let output = explain.output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(doc["findings"][0]["cause"], "secret_used_as_text", "{doc}");
    // A bad hex secret in the config is named by its place, not shown.
    let mut sign = base("sign");
    sign.env("UH_CANARY", format!("{}a", hex(CANARY)))
        .arg("--label=web");
    assert_eq!(run_hidden(&mut sign, "sign, bad hex in config"), Some(2));
}

//! Helpers shared by the integration tests: the built binary with test secrets in its
//! environment, and a check that no secret ever reaches stdout or stderr.

#![allow(dead_code)]

use assert_cmd::assert::Assert;
use userhash::{Keyring, Scheme, Secret, Signer};

/// The single secret, given by `--secret-env UH_SECRET`.
pub const SECRET: &str = "s3cr3t-never-printed-7f1c";
/// The keyring's secrets, given through a config file naming env vars and a file.
pub const IOS_SECRET: &str = "ios-secret-never-printed-91ab";
pub const ANDROID_SECRET: &str = "android-secret-never-printed-2c3d";
pub const TEST_SECRET: &str = "test-workspace-secret-never-printed-55e0";

const ALL_SECRETS: [&str; 4] = [SECRET, IOS_SECRET, ANDROID_SECRET, TEST_SECRET];

/// The `userhash` binary with the test secrets in its environment.
pub fn userhash() -> assert_cmd::Command {
    let mut command = assert_cmd::cargo::cargo_bin_cmd!("userhash");
    command
        .env("UH_SECRET", SECRET)
        .env("UH_IOS", IOS_SECRET)
        .env("UH_TEST", TEST_SECRET)
        .env_remove("UH_UNSET");
    command
}

/// Runs the command and checks that no test secret appears in its stdout or stderr.
pub fn run(command: &mut assert_cmd::Command) -> Assert {
    let assert = command.assert();
    let output = assert.get_output();
    for stream in [&output.stdout, &output.stderr] {
        let text = String::from_utf8_lossy(stream);
        for secret in ALL_SECRETS {
            assert!(!text.contains(secret), "a secret was printed:\n{text}");
        }
    }
    assert
}

/// The command's stdout as text.
pub fn stdout(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stdout).into_owned()
}

/// The command's stderr as text.
pub fn stderr(assert: &Assert) -> String {
    String::from_utf8_lossy(&assert.get_output().stderr).into_owned()
}

/// The command's stderr, asserted to be exactly one line: how every CLI error is reported.
pub fn one_line_error(assert: &Assert) -> String {
    let err = stderr(assert);
    assert_eq!(err.lines().count(), 1, "{err}");
    err
}

/// The command's stdout as one JSON document.
pub fn json(assert: &Assert) -> serde_json::Value {
    serde_json::from_slice(&assert.get_output().stdout).expect("stdout is one JSON document")
}

/// The library's signer for a scheme and secret: the reference the CLI is checked against.
pub fn signer(scheme: &str, secret: &str) -> Signer {
    let scheme = Scheme::parse(scheme).unwrap();
    let secret = Secret::for_scheme(&scheme, secret).unwrap();
    Signer::new(scheme, &secret)
}

/// Writes a secret file readable by its owner only (mode 0600), as it should be: a file others
/// can read makes the CLI warn on stderr.
pub fn write_secret(path: &std::path::Path, text: &str) {
    use std::io::Write as _;
    use std::os::unix::fs::OpenOptionsExt as _;
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(0o600)
        .open(path)
        .unwrap();
    file.write_all(text.as_bytes()).unwrap();
}

/// A keyring config in `dir`: app `acme`, environments `production` (ios from an env var,
/// android from a file with a trailing newline) and `test`.
pub fn write_config(dir: &std::path::Path) -> std::path::PathBuf {
    write_secret(&dir.join("android.secret"), &format!("{ANDROID_SECRET}\n"));
    let path = dir.join("userhash.toml");
    std::fs::write(
        &path,
        r#"
[apps.acme.production]
scheme = "intercom"
keys.ios = { env = "UH_IOS" }
keys.android = { file = "android.secret" }

[apps.acme.test]
scheme = "intercom"
keys.web = { env = "UH_TEST" }
"#,
    )
    .unwrap();
    path
}

/// The production keyring of [`write_config`], built with the library.
pub fn production_keyring() -> Keyring {
    Keyring::new(Scheme::by_name("intercom").unwrap())
        .with_key("ios", IOS_SECRET)
        .unwrap()
        .with_key("android", ANDROID_SECRET)
        .unwrap()
}

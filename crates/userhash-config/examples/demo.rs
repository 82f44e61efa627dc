//! The cross-language demo in Rust: reads `examples/demo.json` and prints one JSON line per
//! (scheme, identity), then one per (platform, identity) for the payload of a config built in
//! code — the contract is in `examples/README.md`; `cargo xtask demo` prints these lines beside
//! the Python, Kotlin and Swift demos'. It lives with the config crate, which the payload needs.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use userhash::{Identity, Keyring, Scheme, Secret, Verifier};
use userhash_config::{Config, OsSecrets, PayloadOptions};

fn main() {
    let path = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "examples/demo.json".to_owned());
    let demo: Value = serde_json::from_str(&std::fs::read_to_string(&path).expect("demo.json"))
        .expect("valid JSON");
    let identities: Vec<Identity> = demo["identities"]
        .as_array()
        .expect("identities")
        .iter()
        .map(|i| {
            Identity::new(
                i["user_id"].as_str().map(str::to_owned),
                i["email"].as_str().map(str::to_owned),
            )
        })
        .collect();
    let keys = demo["keyring"].as_array().expect("keyring");
    for entry in demo["schemes"].as_array().expect("schemes") {
        let scheme =
            Scheme::parse(entry["scheme"].as_str().expect("scheme")).expect("a valid scheme");
        let mut keyring = Keyring::new(scheme.clone());
        for key in keys {
            let secret = Secret::for_scheme(&scheme, key["secret"].as_str().expect("secret"))
                .expect("secret");
            keyring
                .insert(key["label"].as_str().expect("label"), secret)
                .expect("label");
        }
        let signer = keyring
            .signer(keys[0]["label"].as_str().expect("label"))
            .expect("first label");
        let verifier = Verifier::new(keyring).expect("keyring");
        let now = entry["now"].as_u64().unwrap_or(0);
        for (n, identity) in identities.iter().enumerate() {
            let case = format!("{}/{n}", entry["name"].as_str().expect("name"));
            let signed = match entry["timestamp"].as_u64() {
                Some(at) => signer.sign_at(identity, at),
                None => signer.sign(identity),
            };
            let (token, verified) = match signed {
                Ok(token) => {
                    let verified = match verifier.verify_at(identity, &token, now) {
                        Ok(verified) => verified.label,
                        Err(error) => error.kind().code().to_owned(),
                    };
                    (Some(token), verified)
                }
                Err(error) => (None, error.kind().code().to_owned()),
            };
            println!("{}", line(&case, token.as_deref(), &verified));
        }
    }
    payload_lines(&demo["payload"], &identities);
}

/// The payload of a config built in code, for every platform and identity.
fn payload_lines(given: &Value, identities: &[Identity]) {
    let text = |value: &Value| value.as_str().expect("text").to_owned();
    let (app, environment) = (text(&given["app"]), text(&given["environment"]));
    let mut builder = Config::builder();
    for vendor in given["vendors"].as_array().expect("vendors") {
        builder = builder.vendor(
            &app,
            &environment,
            &text(&vendor["name"]),
            &text(&vendor["scheme"]),
        );
        for key in vendor["keys"].as_array().expect("keys") {
            builder = builder.key_secret(&text(&key["label"]), &text(&key["secret"]));
            if let Some(key_id) = key["key_id"].as_str() {
                builder = builder.key_id(&text(&key["label"]), key_id);
            }
        }
        if let Some(label) = vendor["all_platforms"].as_str() {
            builder = builder.all_platforms(label);
        }
    }
    let signer = builder
        .build()
        .expect("a valid config")
        .payload_signer(&app, &environment, &OsSecrets)
        .expect("every secret given");
    let options = PayloadOptions {
        at: given["at"].as_u64(),
        ..PayloadOptions::default()
    };
    for platform in given["platforms"].as_array().expect("platforms") {
        let platform = text(platform);
        for (n, identity) in identities.iter().enumerate() {
            let payload = signer
                .payload(identity, &platform, &options)
                .expect("a platform some vendor has");
            let verified = payload
                .entries()
                .iter()
                .find_map(|entry| entry.error())
                .map_or("complete", |error| error.code());
            let case = format!("payload/{platform}/{n}");
            println!("{}", line(&case, Some(&payload.to_json()), verified));
        }
    }
}

/// The line exactly as Python's `json.dumps` writes it (keys in order, `", "` and `": "`, ASCII
/// only).
fn line(case: &str, token: Option<&str>, verified: &str) -> String {
    let token = token.map_or_else(|| "null".to_owned(), quote);
    format!(
        "{{\"case\": {}, \"token\": {token}, \"verified\": {}}}",
        quote(case),
        quote(verified)
    )
}

/// A JSON string as Python's `json.dumps` writes it: ASCII only, every other UTF-16 unit as
/// `\uXXXX` (so an astral character is a surrogate pair), short escapes where JSON has them.
fn quote(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            ' '..='~' => out.push(c),
            _ => {
                let mut units = [0; 2];
                for unit in c.encode_utf16(&mut units) {
                    out.push_str(&format!("\\u{unit:04x}"));
                }
            }
        }
    }
    out.push('"');
    out
}

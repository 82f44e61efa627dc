//! The cross-language demo in Rust: reads `examples/demo.json` and prints one JSON line per
//! (scheme, identity) — the contract is in `examples/README.md`; `cargo xtask demo` prints these
//! lines beside the Python, Kotlin and Swift demos'.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use serde_json::Value;
use userhash::{Identity, Keyring, Scheme, Secret, Verifier};

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
        let mut keyring = Keyring::new();
        for key in keys {
            let secret = Secret::for_scheme(&scheme, key["secret"].as_str().expect("secret"))
                .expect("secret");
            keyring
                .insert(key["label"].as_str().expect("label"), secret)
                .expect("label");
        }
        let signer = keyring
            .signer(&scheme, keys[0]["label"].as_str().expect("label"))
            .expect("first label");
        let verifier = Verifier::new(scheme.clone(), keyring).expect("keyring");
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
}

/// The line exactly as Python's `json.dumps` writes it (keys in order, `", "` and `": "`).
fn line(case: &str, token: Option<&str>, verified: &str) -> String {
    let quote = |text: &str| serde_json::to_string(text).expect("a string serialises");
    let token = token.map_or_else(|| "null".to_owned(), quote);
    format!(
        "{{\"case\": {}, \"token\": {token}, \"verified\": {}}}",
        quote(case),
        quote(verified)
    )
}

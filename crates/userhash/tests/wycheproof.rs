//! Project Wycheproof's HMAC-SHA256 vectors (`testdata/wycheproof/`) against the core's raw
//! HMAC path, `userhash::hmac_sha256`.
//!
//! Groups with a 128-bit tag test truncated-tag verification: a tag is valid when it equals the
//! first 16 bytes of the MAC. userhash's own tokens always carry the full 32 bytes, so the
//! truncation is done here, by the test, with a constant-time comparison of the prefix.
#![allow(clippy::unwrap_used, clippy::expect_used)]

use std::path::Path;

use serde_json::Value;

/// True when `tag` is exactly the first `tag_bytes` bytes of `mac`.
fn prefix_matches(mac: &[u8; 32], tag: &[u8], tag_bytes: usize) -> bool {
    tag.len() == tag_bytes
        && mac.get(..tag_bytes).is_some_and(|prefix| {
            // Fold all differences so the comparison does not stop at the first one.
            prefix
                .iter()
                .zip(tag)
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0
        })
}

#[test]
fn all_174_cases() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../testdata/wycheproof/hmac_sha256_test.json");
    let doc: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut counted = 0;
    let (mut valid, mut invalid) = (0, 0);
    for group in doc["testGroups"].as_array().unwrap() {
        let tag_bytes = usize::try_from(group["tagSize"].as_u64().unwrap() / 8).unwrap();
        for case in group["tests"].as_array().unwrap() {
            let key = hex::decode(case["key"].as_str().unwrap()).unwrap();
            let msg = hex::decode(case["msg"].as_str().unwrap()).unwrap();
            let tag = hex::decode(case["tag"].as_str().unwrap()).unwrap();
            let accepted = prefix_matches(&userhash::hmac_sha256(&key, &msg), &tag, tag_bytes);
            let expected = case["result"].as_str().unwrap() == "valid";
            assert_eq!(
                accepted, expected,
                "tcId {} ({})",
                case["tcId"], case["comment"]
            );
            if expected {
                valid += 1
            } else {
                invalid += 1
            }
            counted += 1;
        }
    }
    assert_eq!(counted, doc["numberOfTests"].as_u64().unwrap());
    assert_eq!(counted, 174);
    assert!(valid > 0 && invalid > 0);
}

//! HMAC-SHA256 (RFC 2104) driven straight from precomputed inner and outer SHA-256 states.
//!
//! Keying HMAC costs two SHA-256 compressions (the padded key XOR ipad and XOR opad). A
//! [`MacKey`] does them once, so a MAC over a message of up to 55 bytes costs exactly two more:
//! one for the message block, one for the outer hash. The result is proven equal to the `hmac`
//! crate on random keys and messages, to RFC 4231 and to Project Wycheproof in the tests.

use sha2::block_api::compress256;
use sha2::{Digest, Sha256};
use zeroize::Zeroize;

/// The length of an HMAC-SHA256 tag in bytes.
pub(crate) const MAC_LEN: usize = 32;

const BLOCK_LEN: usize = 64;
/// Bytes at the end of SHA-256's last block that hold the message length in bits.
const LENGTH_LEN: usize = 8;
const IPAD: u8 = 0x36;
const OPAD: u8 = 0x5c;
const SHA256_IV: [u32; 8] = [
    0x6a09_e667,
    0xbb67_ae85,
    0x3c6e_f372,
    0xa54f_f53a,
    0x510e_527f,
    0x9b05_688c,
    0x1f83_d9ab,
    0x5be0_cd19,
];

/// A key ready for HMAC-SHA256: the SHA-256 states after the ipad and opad blocks.
///
/// The states are key-equivalent material, so they are wiped on drop and never printed.
#[derive(Clone)]
pub(crate) struct MacKey {
    inner: [u32; 8],
    outer: [u32; 8],
}

impl MacKey {
    /// Precomputes the pad states for a key of any length (keys over 64 bytes are hashed first,
    /// as RFC 2104 says).
    pub(crate) fn new(key: &[u8]) -> MacKey {
        let mut block = [0u8; BLOCK_LEN];
        if key.len() > BLOCK_LEN {
            let mut digest: [u8; MAC_LEN] = Sha256::digest(key).into();
            block[..MAC_LEN].copy_from_slice(&digest);
            digest.zeroize();
        } else {
            block[..key.len()].copy_from_slice(key);
        }
        let pad_state = |pad: u8, block: &[u8; BLOCK_LEN]| {
            let mut padded = block.map(|byte| byte ^ pad);
            let mut state = SHA256_IV;
            compress256(&mut state, std::slice::from_ref(&padded));
            padded.zeroize();
            state
        };
        let key_state = MacKey {
            inner: pad_state(IPAD, &block),
            outer: pad_state(OPAD, &block),
        };
        block.zeroize();
        key_state
    }

    /// The tag over the concatenation of `parts`, without joining them first.
    pub(crate) fn mac(&self, parts: &[&[u8]]) -> [u8; MAC_LEN] {
        let len: usize = parts.iter().map(|part| part.len()).sum();
        let inner_digest = if len <= MAX_ONE_BLOCK_MESSAGE {
            self.inner_one_block(parts, len)
        } else {
            let mut inner = Stream::new(self.inner, BLOCK_LEN as u64);
            for part in parts {
                inner.update(part);
            }
            inner.finish()
        };
        // The outer hash always absorbs exactly the 32-byte inner digest: one padded block.
        let mut block = [0u8; BLOCK_LEN];
        block[..MAC_LEN].copy_from_slice(&inner_digest);
        block[MAC_LEN] = 0x80;
        block[BLOCK_LEN - LENGTH_LEN..].copy_from_slice(&bit_length(BLOCK_LEN + MAC_LEN));
        let mut state = self.outer;
        compress256(&mut state, std::slice::from_ref(&block));
        digest_bytes(state)
    }

    /// The inner hash of a message short enough to share one block with its padding: a single
    /// compression after the precomputed ipad state.
    fn inner_one_block(&self, parts: &[&[u8]], len: usize) -> [u8; MAC_LEN] {
        let mut block = [0u8; BLOCK_LEN];
        let mut at = 0;
        for part in parts {
            block[at..at + part.len()].copy_from_slice(part);
            at += part.len();
        }
        block[len] = 0x80;
        block[BLOCK_LEN - LENGTH_LEN..].copy_from_slice(&bit_length(BLOCK_LEN + len));
        let mut state = self.inner;
        compress256(&mut state, std::slice::from_ref(&block));
        digest_bytes(state)
    }
}

/// The longest message whose SHA-256 padding still fits in the same block (64 - 1 - 8).
const MAX_ONE_BLOCK_MESSAGE: usize = BLOCK_LEN - 1 - LENGTH_LEN;

/// SHA-256's length field: the number of bits hashed, big-endian.
fn bit_length(bytes: usize) -> [u8; LENGTH_LEN] {
    (bytes as u64 * 8).to_be_bytes()
}

/// A SHA-256 state as digest bytes.
fn digest_bytes(state: [u32; 8]) -> [u8; MAC_LEN] {
    let mut digest = [0u8; MAC_LEN];
    for (chunk, word) in digest.chunks_exact_mut(4).zip(state) {
        chunk.copy_from_slice(&word.to_be_bytes());
    }
    digest
}

impl Drop for MacKey {
    fn drop(&mut self) {
        self.inner.zeroize();
        self.outer.zeroize();
    }
}

/// A SHA-256 computation resumed from a state that has already absorbed `absorbed` bytes.
struct Stream {
    state: [u32; 8],
    block: [u8; BLOCK_LEN],
    filled: usize,
    absorbed: u64,
}

impl Stream {
    fn new(state: [u32; 8], absorbed: u64) -> Stream {
        Stream {
            state,
            block: [0; BLOCK_LEN],
            filled: 0,
            absorbed,
        }
    }

    fn update(&mut self, mut bytes: &[u8]) {
        self.absorbed += bytes.len() as u64;
        while !bytes.is_empty() {
            let take = (BLOCK_LEN - self.filled).min(bytes.len());
            let (head, rest) = bytes.split_at(take);
            self.block[self.filled..self.filled + take].copy_from_slice(head);
            self.filled += take;
            bytes = rest;
            if self.filled == BLOCK_LEN {
                compress256(&mut self.state, std::slice::from_ref(&self.block));
                self.filled = 0;
            }
        }
    }

    /// SHA-256 padding: 0x80, zeros, then the total length in bits, big-endian.
    fn finish(mut self) -> [u8; MAC_LEN] {
        let bit_len = self.absorbed * 8;
        self.block[self.filled] = 0x80;
        self.block[self.filled + 1..].fill(0);
        if self.filled + 1 > BLOCK_LEN - LENGTH_LEN {
            compress256(&mut self.state, std::slice::from_ref(&self.block));
            self.block.fill(0);
        }
        self.block[BLOCK_LEN - LENGTH_LEN..].copy_from_slice(&bit_len.to_be_bytes());
        compress256(&mut self.state, std::slice::from_ref(&self.block));
        digest_bytes(self.state)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hmac::{KeyInit, Mac};
    use proptest::prelude::*;

    /// HMAC-SHA256 of `message` under `key` through the precomputed key state.
    fn hmac_sha256(key: &[u8], message: &[u8]) -> [u8; MAC_LEN] {
        MacKey::new(key).mac(&[message])
    }

    fn reference(key: &[u8], message: &[u8]) -> [u8; MAC_LEN] {
        let mut mac = <hmac::Hmac<Sha256> as KeyInit>::new_from_slice(key)
            .unwrap_or_else(|_| unreachable!("HMAC takes keys of any length"));
        mac.update(message);
        mac.finalize().into_bytes().into()
    }

    #[test]
    fn rfc_4231_case_2() {
        let tag = hmac_sha256(b"Jefe", b"what do ya want for nothing?");
        assert_eq!(
            hex::encode(tag),
            "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"
        );
    }

    #[test]
    fn every_length_around_block_boundaries_matches_the_hmac_crate() {
        let key = b"key";
        let message: Vec<u8> = (0..=200u8).collect();
        for len in 0..message.len() {
            let msg = &message[..len];
            assert_eq!(hmac_sha256(key, msg), reference(key, msg), "length {len}");
        }
    }

    #[test]
    fn split_parts_equal_the_joined_message() {
        let key = MacKey::new(b"k");
        assert_eq!(key.mac(&[b"ab", b"", b"cd"]), key.mac(&[b"abcd"]));
    }

    // Project Wycheproof's HMAC-SHA256 vectors (`testdata/wycheproof/`). Groups with a 128-bit
    // tag test truncated-tag verification: a tag is valid when it equals the first 16 bytes of
    // the MAC. userhash's own tokens always carry the full 32 bytes, so the truncation is done
    // here, by the test, with a comparison of the prefix that folds every difference.

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
    fn wycheproof_all_174_cases() {
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("../../testdata/wycheproof/hmac_sha256_test.json");
        let doc: serde_json::Value =
            serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
        let mut counted = 0;
        let (mut valid, mut invalid) = (0, 0);
        for group in doc["testGroups"].as_array().unwrap() {
            let tag_bytes = usize::try_from(group["tagSize"].as_u64().unwrap() / 8).unwrap();
            for case in group["tests"].as_array().unwrap() {
                let key = hex::decode(case["key"].as_str().unwrap()).unwrap();
                let msg = hex::decode(case["msg"].as_str().unwrap()).unwrap();
                let tag = hex::decode(case["tag"].as_str().unwrap()).unwrap();
                let accepted = prefix_matches(&hmac_sha256(&key, &msg), &tag, tag_bytes);
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

    proptest! {
        #[test]
        fn equals_the_hmac_crate(key in proptest::collection::vec(any::<u8>(), 0..200),
                                 message in proptest::collection::vec(any::<u8>(), 0..300)) {
            prop_assert_eq!(hmac_sha256(&key, &message), reference(&key, &message));
        }
    }
}

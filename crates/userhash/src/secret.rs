//! Key bytes that are wiped on drop, never printed, and identified in logs by a fingerprint.

use std::fmt;

use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

use crate::error::{Error, Result};
use crate::parts::KeyEncoding;

/// Domain separation for fingerprints, so a fingerprint is never a prefix of any other hash of
/// the key that userhash or a vendor computes.
const FINGERPRINT_DOMAIN: &[u8] = b"userhash/fingerprint/v1\0";
/// Bytes of the domain-separated hash kept in a fingerprint (12 hex digits).
const FINGERPRINT_BYTES: usize = 6;

/// An identity-verification secret: the HMAC key bytes.
///
/// The bytes are zeroized when the last copy is dropped. `Debug` and `Display` print only the
/// [fingerprint](Secret::fingerprint), which names the key in logs and diagnoses without
/// revealing it.
///
/// How the dashboard string becomes bytes depends on the scheme (most use the text as UTF-8;
/// Pylon and Channel.io hex-decode it), so prefer [`Secret::for_scheme`]:
///
/// ```
/// use userhash::{Scheme, Secret};
///
/// let pylon = Scheme::by_name("pylon")?;
/// let secret = Secret::for_scheme(&pylon, "00ff")?;
/// assert_eq!(secret.len(), 2);
/// assert!(!format!("{secret:?}").contains("00ff"));
/// # Ok::<(), userhash::Error>(())
/// ```
#[derive(Clone)]
pub struct Secret {
    bytes: Zeroizing<Vec<u8>>,
}

impl Secret {
    /// The UTF-8 bytes of `text` as the key.
    ///
    /// # Errors
    /// [`Error::EmptySecret`] for an empty string.
    pub fn from_text(text: &str) -> Result<Secret> {
        Secret::from_bytes(text.as_bytes().to_vec())
    }

    /// The hex-decoded bytes of `text` as the key (upper- or lower-case digits).
    ///
    /// # Errors
    /// [`Error::EmptySecret`], or [`Error::InvalidHexSecret`] whose message names the problem
    /// and position but never the secret's characters.
    pub fn from_hex(text: &str) -> Result<Secret> {
        if text.is_empty() {
            return Err(Error::EmptySecret);
        }
        let reason = match hex::decode(text) {
            Ok(bytes) => return Secret::from_bytes(bytes),
            Err(hex::FromHexError::OddLength) => {
                format!("{} hex digits, an odd number", text.chars().count())
            }
            Err(hex::FromHexError::InvalidHexCharacter { index, .. }) => {
                format!("the character at byte {} is not a hex digit", index + 1)
            }
            Err(hex::FromHexError::InvalidStringLength) => "wrong length".to_owned(),
        };
        Err(Error::InvalidHexSecret { reason })
    }

    /// Raw key bytes.
    ///
    /// # Errors
    /// [`Error::EmptySecret`] for no bytes.
    pub fn from_bytes(bytes: Vec<u8>) -> Result<Secret> {
        let bytes = Zeroizing::new(bytes);
        if bytes.is_empty() {
            return Err(Error::EmptySecret);
        }
        Ok(Secret { bytes })
    }

    /// The secret string decoded as the given key encoding.
    ///
    /// # Errors
    /// As [`Secret::from_text`] or [`Secret::from_hex`].
    pub fn decode(text: &str, encoding: KeyEncoding) -> Result<Secret> {
        match encoding {
            KeyEncoding::Utf8 => Secret::from_text(text),
            KeyEncoding::Hex => Secret::from_hex(text),
        }
    }

    /// A short, non-reversible name for this key: 12 hex digits of a domain-separated SHA-256
    /// of the key bytes. Equal keys have equal fingerprints; use it in logs to say *which* key.
    ///
    /// Like any fixed hash, it lets someone who already holds a guess of the key confirm the
    /// guess, so a weak, guessable secret stays weak: use the vendor-generated secret.
    pub fn fingerprint(&self) -> String {
        let digest = Sha256::new()
            .chain_update(FINGERPRINT_DOMAIN)
            .chain_update(self.bytes.as_slice())
            .finalize();
        hex::encode(digest.get(..FINGERPRINT_BYTES).unwrap_or_default())
    }

    /// The number of key bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// Always false: a secret has at least one byte.
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }

    /// The key bytes, for the HMAC engine and the diagnosis only.
    pub(crate) fn expose(&self) -> &[u8] {
        &self.bytes
    }
}

impl fmt::Debug for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Secret(fingerprint={})", self.fingerprint())
    }
}

/// Prints `[secret <fingerprint>]`, never the key.
impl fmt::Display for Secret {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "[secret {}]", self.fingerprint())
    }
}

/// Constant-time equality of the key bytes.
impl PartialEq for Secret {
    fn eq(&self, other: &Secret) -> bool {
        use subtle::ConstantTimeEq;
        self.bytes.as_slice().ct_eq(other.bytes.as_slice()).into()
    }
}

impl Eq for Secret {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_and_display_never_show_the_key() {
        let text = "s3cr3t-that-must-not-leak";
        let secret = Secret::from_text(text).unwrap();
        for shown in [
            format!("{secret:?}"),
            format!("{secret}"),
            format!("{secret:#?}"),
        ] {
            assert!(!shown.contains(text), "{shown}");
            assert!(!shown.contains(&hex::encode(text)), "{shown}");
            assert!(shown.contains(&secret.fingerprint()), "{shown}");
        }
    }

    #[test]
    fn fingerprints_identify_keys() {
        let a = Secret::from_text("a").unwrap();
        let b = Secret::from_text("b").unwrap();
        assert_eq!(a.fingerprint().len(), 2 * FINGERPRINT_BYTES);
        assert_eq!(a.fingerprint(), a.clone().fingerprint());
        assert_ne!(a.fingerprint(), b.fingerprint());
    }

    #[test]
    fn bad_hex_is_reported_without_the_secret() {
        for bad in ["abc", "zz00", "00 0"] {
            let error = Secret::from_hex(bad)
                .err()
                .unwrap_or_else(|| panic!("{bad} accepted"));
            assert_eq!(error.kind(), crate::ErrorKind::InvalidHexSecret);
            assert!(!error.to_string().contains(bad), "{error}");
        }
        assert_eq!(Secret::from_hex("").err(), Some(Error::EmptySecret));
        assert_eq!(Secret::from_text("").err(), Some(Error::EmptySecret));
    }

    #[test]
    fn hex_decoding_accepts_either_case() {
        let lower = Secret::from_hex("abcdef").unwrap();
        let upper = Secret::from_hex("ABCDEF").unwrap();
        assert_eq!(lower, upper);
        assert_eq!(lower.expose(), [0xab, 0xcd, 0xef]);
    }
}

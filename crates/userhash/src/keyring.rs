//! Labelled secrets: one per platform (`ios`, `android`, `web`), per environment (`test`), and
//! the previous key during a rotation.

use std::fmt;

use crate::error::{Error, Result, echo};
use crate::label::check_label;
use crate::scheme::Scheme;
use crate::secret::Secret;
use crate::signer::Signer;

/// Secrets by label, in the order they were added.
///
/// Vendors such as Intercom issue one secret per platform and per workspace, and a rotation
/// keeps the previous secret valid for a while; a keyring holds them all so one
/// [`Verifier`](crate::Verifier) can say which key a token was made with. Verification tries keys
/// in insertion order. `Debug` shows labels and fingerprints only.
///
/// ```
/// use userhash::{Keyring, Scheme, Secret};
///
/// let scheme = Scheme::by_name("intercom")?;
/// let keyring = Keyring::new()
///     .with("ios", Secret::for_scheme(&scheme, "ios-secret")?)?
///     .with("android", Secret::for_scheme(&scheme, "android-secret")?)?;
/// assert_eq!(keyring.labels().collect::<Vec<_>>(), ["ios", "android"]);
/// # Ok::<(), userhash::Error>(())
/// ```
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Keyring {
    entries: Vec<(String, Secret)>,
    jwt_input_guard: bool,
}

impl Keyring {
    /// An empty keyring.
    pub fn new() -> Keyring {
        Keyring::default()
    }

    /// Adds a secret under `label`.
    ///
    /// # Errors
    /// [`Error::InvalidLabel`] unless the label is 1–64 characters of `[a-z0-9_.-]` and not 32
    /// or more hex digits (a secret passed as the label);
    /// [`Error::DuplicateLabel`] if the label is taken.
    pub fn insert(&mut self, label: &str, secret: Secret) -> Result<()> {
        check_label(label)?;
        if self.get(label).is_some() {
            return Err(Error::DuplicateLabel {
                label: label.to_owned(),
            });
        }
        self.entries.push((label.to_owned(), secret));
        Ok(())
    }

    /// This keyring with a secret added under `label` (see [`Keyring::insert`]).
    ///
    /// # Errors
    /// As [`Keyring::insert`].
    pub fn with(mut self, label: &str, secret: Secret) -> Result<Keyring> {
        self.insert(label, secret)?;
        Ok(self)
    }

    /// The secret under `label`.
    pub fn get(&self, label: &str) -> Option<&Secret> {
        self.entries
            .iter()
            .find(|(have, _)| have == label)
            .map(|(_, secret)| secret)
    }

    /// The fingerprint of the key under `label` (see [`Secret::fingerprint`]).
    ///
    /// # Errors
    /// [`Error::UnknownLabel`].
    pub fn fingerprint(&self, label: &str) -> Result<String> {
        self.get(label)
            .map(Secret::fingerprint)
            .ok_or_else(|| Error::UnknownLabel { label: echo(label) })
    }

    /// The labels, in insertion order.
    pub fn labels(&self) -> impl ExactSizeIterator<Item = &str> {
        self.entries.iter().map(|(label, _)| label.as_str())
    }

    /// Labels and secrets, in insertion order.
    pub fn iter(&self) -> impl ExactSizeIterator<Item = (&str, &Secret)> {
        self.entries
            .iter()
            .map(|(label, secret)| (label.as_str(), secret))
    }

    /// The number of keys.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True when the keyring holds no key.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// This keyring making signers that refuse JWT signing inputs
    /// ([`Signer::with_jwt_input_guard`]): for keys that a JWT scheme shares during a migration.
    #[must_use]
    pub fn with_jwt_input_guard(mut self) -> Keyring {
        self.jwt_input_guard = true;
        self
    }

    /// Whether the signers this keyring makes refuse JWT signing inputs.
    pub fn has_jwt_input_guard(&self) -> bool {
        self.jwt_input_guard
    }

    /// A signer for `scheme` with the key under `label` — e.g. the `ios` key for requests from
    /// the iOS app. For schemes that name the key in a JWT `kid` header (Zendesk), the label is
    /// the key id.
    ///
    /// # Errors
    /// [`Error::UnknownLabel`].
    pub fn signer(&self, scheme: &Scheme, label: &str) -> Result<Signer> {
        let secret = self
            .get(label)
            .ok_or_else(|| Error::UnknownLabel { label: echo(label) })?;
        let mut signer = Signer::new(scheme.clone(), secret);
        if self.jwt_input_guard {
            signer = signer.with_jwt_input_guard();
        }
        match scheme.claim_layout() {
            Some(layout) if layout.key_id_required => signer.with_key_id(label),
            _ => Ok(signer),
        }
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_map()
            .entries(
                self.iter()
                    .map(|(label, secret)| (label, secret.fingerprint())),
            )
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> Secret {
        Secret::from_text(text).unwrap()
    }

    #[test]
    fn labels_are_checked_and_unique() {
        let mut keyring = Keyring::new();
        keyring.insert("ios", secret("a")).unwrap();
        assert_eq!(
            keyring.insert("ios", secret("b")).err().map(|e| e.kind()),
            Some(crate::ErrorKind::DuplicateLabel)
        );
        for bad in [
            "",
            "iOS",
            "a b",
            "é",
            &"x".repeat(65),
            &"7f3a9c1e".repeat(8),
        ] {
            assert_eq!(
                keyring.insert(bad, secret("c")).err().map(|e| e.kind()),
                Some(crate::ErrorKind::InvalidLabel),
                "{bad:?}"
            );
        }
        keyring.insert(&"x".repeat(64), secret("c")).unwrap();
        assert_eq!(keyring.len(), 2);
    }

    #[test]
    fn debug_shows_labels_and_fingerprints_only() {
        let keyring = Keyring::new()
            .with("web", secret("do-not-print-me"))
            .unwrap();
        let shown = format!("{keyring:?}");
        assert!(
            shown.contains("web") && !shown.contains("do-not-print-me"),
            "{shown}"
        );
    }
}

//! Labelled secrets for one scheme: one per platform (`ios`, `android`, `web`), per environment
//! (`test`), and the previous key during a rotation.

use std::fmt;

use crate::error::{Error, Result, echo};
use crate::label::check_label;
use crate::scheme::Scheme;
use crate::secret::Secret;
use crate::signer::Signer;

/// Secrets by label for one scheme, in the order they were added.
///
/// Vendors such as Intercom issue one secret per platform and per workspace, and a rotation
/// keeps the previous secret valid for a while; a keyring holds them all so one
/// [`Verifier`](crate::Verifier) can say which key a token was made with. Verification tries keys
/// in insertion order. The keyring owns its [`Scheme`], which decides how a secret's text
/// becomes key bytes ([`Keyring::with_key`]) and what its signers sign. `Debug` shows the scheme,
/// labels and fingerprints only.
///
/// ```
/// use userhash::{Keyring, Scheme};
///
/// let keyring = Keyring::new(Scheme::by_name("intercom")?)
///     .with_key("ios", "ios-secret")?
///     .with_key("android", "android-secret")?;
/// assert_eq!(keyring.labels().collect::<Vec<_>>(), ["ios", "android"]);
/// # Ok::<(), userhash::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq)]
pub struct Keyring {
    scheme: Scheme,
    entries: Vec<(String, Secret)>,
    jwt_input_guard: bool,
}

impl Keyring {
    /// An empty keyring for `scheme`.
    pub fn new(scheme: Scheme) -> Keyring {
        Keyring {
            scheme,
            entries: Vec::new(),
            jwt_input_guard: false,
        }
    }

    /// Checks a label (also a JWT key id) as [`Keyring::insert`] does: 1–64 characters of
    /// `[a-z0-9_.-]`, and not 32 or more hex digits (a secret passed as the label).
    ///
    /// # Errors
    /// [`Error::InvalidLabel`].
    pub fn check_label(label: &str) -> Result<()> {
        check_label(label)
    }

    /// The scheme of every key.
    pub fn scheme(&self) -> &Scheme {
        &self.scheme
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

    /// This keyring with the dashboard secret `secret` added under `label`, decoded the way the
    /// keyring's scheme reads it ([`Secret::for_scheme`]).
    ///
    /// # Errors
    /// As [`Secret::for_scheme`] and [`Keyring::insert`].
    pub fn with_key(self, label: &str, secret: &str) -> Result<Keyring> {
        let secret = Secret::for_scheme(&self.scheme, secret)?;
        self.with(label, secret)
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

    /// A signer with the key under `label` — e.g. the `ios` key for requests from the iOS app.
    /// For schemes that name the key in a JWT `kid` header (Zendesk), the label is the key id.
    ///
    /// # Errors
    /// [`Error::UnknownLabel`].
    pub fn signer(&self, label: &str) -> Result<Signer> {
        let secret = self
            .get(label)
            .ok_or_else(|| Error::UnknownLabel { label: echo(label) })?;
        let mut signer = Signer::new(self.scheme.clone(), secret);
        if self.jwt_input_guard {
            signer = signer.with_jwt_input_guard();
        }
        match self.scheme.claim_layout() {
            Some(layout) if layout.key_id_required => signer.with_key_id(label),
            _ => Ok(signer),
        }
    }
}

impl fmt::Debug for Keyring {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        struct Fingerprints<'a>(&'a Keyring);
        impl fmt::Debug for Fingerprints<'_> {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_map()
                    .entries(
                        self.0
                            .iter()
                            .map(|(label, secret)| (label, secret.fingerprint())),
                    )
                    .finish()
            }
        }
        f.debug_struct("Keyring")
            .field("scheme", &self.scheme.to_string())
            .field("keys", &Fingerprints(self))
            .field("jwt_input_guard", &self.jwt_input_guard)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secret(text: &str) -> Secret {
        Secret::from_text(text).unwrap()
    }

    fn intercom() -> Keyring {
        Keyring::new(Scheme::by_name("intercom").unwrap())
    }

    #[test]
    fn labels_are_checked_and_unique() {
        let mut keyring = intercom();
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
        let keyring = intercom().with_key("web", "do-not-print-me").unwrap();
        let shown = format!("{keyring:?}");
        assert!(
            shown.contains("web")
                && shown.contains("intercom")
                && !shown.contains("do-not-print-me"),
            "{shown}"
        );
    }
}

//! Where a secret lives (an environment variable or a file) and how it is read.

use std::fmt;
use std::io::Read as _;
use std::path::{Path, PathBuf};

use zeroize::Zeroizing;

use crate::error::SourceError;

/// The largest secret file read, in bytes. Vendor secrets are tens of bytes; the bound keeps a
/// mistaken path (a log, `/dev/zero`) from being read whole.
pub const MAX_SECRET_FILE_BYTES: u64 = 64 * 1024;

/// Where one secret lives, as the config names it. Holds a name or a path, never the secret.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub enum SecretRef {
    /// The value of this environment variable.
    Env(String),
    /// The contents of this file, trailing newlines removed (see [`strip_trailing_newlines`]).
    /// A relative path in a config read from a file is resolved against the config file's
    /// directory.
    File(PathBuf),
}

impl fmt::Display for SecretRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SecretRef::Env(name) => write!(f, "env {name}"),
            SecretRef::File(path) => write!(f, "file {}", path.display()),
        }
    }
}

/// Reads the secret a [`SecretRef`] names.
///
/// [`OsSecrets`] reads the process environment and the file system; tests and embedders can
/// supply their own, e.g. [`MemorySecrets`]. The returned text is the dashboard secret string,
/// decoded into key bytes by the scheme afterwards, and wiped when dropped.
pub trait SecretSource {
    /// The secret text `reference` names.
    ///
    /// # Errors
    /// A [`SourceError`] naming the variable or path, never the secret.
    fn read(&self, reference: &SecretRef) -> Result<Zeroizing<String>, SourceError>;
}

/// Removes every trailing `\n` and `\r` — what `echo secret > file` and editors leave behind —
/// and nothing else: other whitespace is part of the secret.
pub fn strip_trailing_newlines(text: &str) -> &str {
    text.trim_end_matches(['\n', '\r'])
}

/// The real environment and file system.
///
/// - `Env(NAME)`: the variable's value exactly as set.
/// - `File(PATH)`: the file's UTF-8 contents with trailing newlines stripped
///   ([`strip_trailing_newlines`]), at most [`MAX_SECRET_FILE_BYTES`].
#[derive(Debug, Clone, Copy, Default)]
pub struct OsSecrets;

impl SecretSource for OsSecrets {
    fn read(&self, reference: &SecretRef) -> Result<Zeroizing<String>, SourceError> {
        match reference {
            SecretRef::Env(name) => match std::env::var(name) {
                Ok(value) => Ok(Zeroizing::new(value)),
                Err(std::env::VarError::NotPresent) => {
                    Err(SourceError::EnvNotSet { name: name.clone() })
                }
                Err(std::env::VarError::NotUnicode(_)) => {
                    Err(SourceError::EnvNotUnicode { name: name.clone() })
                }
            },
            SecretRef::File(path) => read_secret_file(path),
        }
    }
}

/// Reads a secret file: at most [`MAX_SECRET_FILE_BYTES`] of UTF-8, trailing newlines stripped.
///
/// # Errors
/// [`SourceError::File`], [`SourceError::FileTooLarge`] or [`SourceError::FileNotUtf8`].
pub fn read_secret_file(path: &Path) -> Result<Zeroizing<String>, SourceError> {
    let file_error = |source| SourceError::File {
        path: path.to_owned(),
        source,
    };
    let file = std::fs::File::open(path).map_err(file_error)?;
    let mut bytes = Zeroizing::new(Vec::new());
    file.take(MAX_SECRET_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(file_error)?;
    if bytes.len() as u64 > MAX_SECRET_FILE_BYTES {
        return Err(SourceError::FileTooLarge {
            path: path.to_owned(),
            max: MAX_SECRET_FILE_BYTES,
        });
    }
    let text = std::str::from_utf8(&bytes).map_err(|_| SourceError::FileNotUtf8 {
        path: path.to_owned(),
    })?;
    Ok(Zeroizing::new(strip_trailing_newlines(text).to_owned()))
}

/// Secrets held in memory, for tests and for embedders that fetch secrets themselves (from a
/// vault, say). Values are returned exactly as inserted; `Debug` shows the references only.
#[derive(Clone, Default)]
pub struct MemorySecrets {
    entries: Vec<(SecretRef, Zeroizing<String>)>,
}

impl MemorySecrets {
    /// No secrets.
    pub fn new() -> MemorySecrets {
        MemorySecrets::default()
    }

    /// These secrets plus `value` for the environment variable `name`.
    #[must_use]
    pub fn with_env(self, name: &str, value: &str) -> MemorySecrets {
        self.with(SecretRef::Env(name.to_owned()), value)
    }

    /// These secrets plus `value` for the file `path`.
    #[must_use]
    pub fn with_file(self, path: impl Into<PathBuf>, value: &str) -> MemorySecrets {
        self.with(SecretRef::File(path.into()), value)
    }

    /// These secrets plus `value` for `reference` (replacing any earlier value).
    #[must_use]
    pub fn with(mut self, reference: SecretRef, value: &str) -> MemorySecrets {
        self.entries.retain(|(have, _)| *have != reference);
        self.entries
            .push((reference, Zeroizing::new(value.to_owned())));
        self
    }
}

impl SecretSource for MemorySecrets {
    fn read(&self, reference: &SecretRef) -> Result<Zeroizing<String>, SourceError> {
        self.entries
            .iter()
            .find(|(have, _)| have == reference)
            .map(|(_, value)| value.clone())
            .ok_or_else(|| SourceError::NotFound {
                reference: reference.to_string(),
            })
    }
}

impl fmt::Debug for MemorySecrets {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.entries.iter().map(|(reference, _)| reference))
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_trailing_newlines_are_stripped() {
        assert_eq!(strip_trailing_newlines("s3cret\n"), "s3cret");
        assert_eq!(strip_trailing_newlines("s3cret\r\n\n"), "s3cret");
        assert_eq!(strip_trailing_newlines(" s3cret \t"), " s3cret \t");
        assert_eq!(strip_trailing_newlines("\ns3cret"), "\ns3cret");
    }

    #[test]
    fn secret_files_are_read_without_trailing_newlines() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "from-a-file\n").unwrap();
        assert_eq!(
            OsSecrets
                .read(&SecretRef::File(path.clone()))
                .unwrap()
                .as_str(),
            "from-a-file"
        );

        std::fs::write(&path, [0xff, 0xfe]).unwrap();
        assert!(matches!(
            OsSecrets.read(&SecretRef::File(path.clone())),
            Err(SourceError::FileNotUtf8 { .. })
        ));

        std::fs::write(&path, vec![b'a'; MAX_SECRET_FILE_BYTES as usize + 1]).unwrap();
        assert!(matches!(
            OsSecrets.read(&SecretRef::File(path)),
            Err(SourceError::FileTooLarge { .. })
        ));

        let missing = dir.path().join("missing");
        let error = OsSecrets
            .read(&SecretRef::File(missing.clone()))
            .unwrap_err();
        assert!(
            error.to_string().contains(&missing.display().to_string()),
            "{error}"
        );
    }

    #[test]
    fn a_missing_variable_is_named() {
        let name = "USERHASH_CONFIG_TEST_SURELY_UNSET_VARIABLE";
        let error = OsSecrets
            .read(&SecretRef::Env(name.to_owned()))
            .unwrap_err();
        assert!(matches!(error, SourceError::EnvNotSet { .. }));
        assert!(error.to_string().contains(name), "{error}");
    }

    #[test]
    fn memory_secrets_never_debug_print_values() {
        let secrets = MemorySecrets::new().with_env("A", "do-not-print");
        let shown = format!("{secrets:?}");
        assert!(
            shown.contains('A') && !shown.contains("do-not-print"),
            "{shown}"
        );
    }
}

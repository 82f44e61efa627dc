//! Where a secret lives (an environment variable or a file) and how it is read.

use std::fmt;
use std::io::{self, Read};
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
/// Only a regular file is read. A FIFO would block the reader until some process writes to it
/// (and then hand over whatever that process chose), and a device, directory or socket is never
/// a secret: each is refused before it is opened, and the opened file is checked again. The
/// bytes are read into one buffer allocated once, wiped when dropped, so no earlier, smaller
/// copy of the secret is left behind in freed memory.
///
/// Group- or world-readable files are read (a container's secret mount is usually mode 0444 or
/// 0644 by design); [`readable_by_others`] says whether a caller should warn or refuse.
///
/// # Errors
/// [`SourceError::File`], [`SourceError::FileNotRegular`], [`SourceError::FileTooLarge`] or
/// [`SourceError::FileNotUtf8`].
pub fn read_secret_file(path: &Path) -> Result<Zeroizing<String>, SourceError> {
    let file_error = |source| SourceError::File {
        path: path.to_owned(),
        source,
    };
    // Refused before opening: opening a FIFO for reading blocks until a writer comes.
    check_regular(path, &std::fs::metadata(path).map_err(file_error)?)?;
    let file = std::fs::File::open(path).map_err(file_error)?;
    // The path may have been replaced between the two calls; what was opened is what counts.
    check_regular(path, &file.metadata().map_err(file_error)?)?;
    let mut file = file;
    let bytes = read_bounded(&mut file, MAX_SECRET_FILE_BYTES, None).map_err(file_error)?;
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

/// Reads the first line of `input` as a secret (`--secret-stdin`): at most `max` bytes, the
/// line ending removed, the text as given otherwise (a line that is not UTF-8 is an error).
///
/// The bytes go straight into one wiped buffer, in reads of at least 8 KiB: a buffered reader
/// (standard input is one) hands a read that large to the source directly instead of copying
/// it through its own buffer, which lives on and is never wiped. Whatever follows the first
/// line in the same reads is discarded.
///
/// # Errors
/// The reader's I/O error, or [`io::ErrorKind::InvalidData`] for a line that is not UTF-8.
pub fn read_secret_line(input: &mut dyn Read, max: u64) -> io::Result<Zeroizing<String>> {
    let bytes = read_bounded(input, max, Some(b'\n'))?;
    let end = bytes
        .iter()
        .position(|&byte| byte == b'\n')
        .unwrap_or(bytes.len())
        .min(usize::try_from(max).unwrap_or(usize::MAX));
    let line = std::str::from_utf8(&bytes[..end]).map_err(|_| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            "the first line is not valid UTF-8",
        )
    })?;
    Ok(Zeroizing::new(strip_trailing_newlines(line).to_owned()))
}

/// Whether users other than the owner may read the file: its group or others have the read
/// permission (Unix; always false elsewhere, and when the file cannot be examined).
pub fn readable_by_others(path: &Path) -> bool {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt as _;
        std::fs::metadata(path).is_ok_and(|metadata| metadata.permissions().mode() & 0o044 != 0)
    }
    #[cfg(not(unix))]
    {
        let _ = path;
        false
    }
}

/// The file type, in words, when it is not a regular file.
fn check_regular(path: &Path, metadata: &std::fs::Metadata) -> Result<(), SourceError> {
    let file_type = metadata.file_type();
    if file_type.is_file() {
        return Ok(());
    }
    let kind = if file_type.is_dir() {
        "a directory"
    } else {
        special_kind(&file_type)
    };
    Err(SourceError::FileNotRegular {
        path: path.to_owned(),
        kind,
    })
}

#[cfg(unix)]
fn special_kind(file_type: &std::fs::FileType) -> &'static str {
    use std::os::unix::fs::FileTypeExt as _;
    if file_type.is_fifo() {
        "a FIFO (named pipe)"
    } else if file_type.is_char_device() {
        "a character device"
    } else if file_type.is_block_device() {
        "a block device"
    } else if file_type.is_socket() {
        "a socket"
    } else {
        "not a regular file"
    }
}

#[cfg(not(unix))]
fn special_kind(_: &std::fs::FileType) -> &'static str {
    "not a regular file"
}

/// The least a read asks for: at least a buffered reader's whole buffer (standard input's is
/// 8 KiB), so that the reader passes the read through rather than filling its own buffer.
const MIN_READ: usize = 16 * 1024;

/// Up to `max + 1` bytes of `input` (one more than allowed, so that "too large" can be told),
/// or fewer once `stop` has been read, in one wiped buffer allocated once: it never grows, so
/// no partial copy of the secret is freed unwiped.
fn read_bounded(
    input: &mut dyn Read,
    max: u64,
    stop: Option<u8>,
) -> io::Result<Zeroizing<Vec<u8>>> {
    let limit = usize::try_from(max).unwrap_or(usize::MAX - MIN_READ) + 1;
    let mut buffer = Zeroizing::new(vec![0u8; limit + MIN_READ]);
    let mut filled = 0;
    while filled < limit {
        let read = match input.read(&mut buffer[filled..]) {
            Ok(0) => break,
            Ok(read) => read,
            Err(error) if error.kind() == io::ErrorKind::Interrupted => continue,
            Err(error) => return Err(error),
        };
        let found = stop.is_some_and(|stop| buffer[filled..filled + read].contains(&stop));
        filled += read;
        if found {
            break;
        }
    }
    // Wipe the tail read past the limit (the caller sees at most `limit` bytes), then shorten
    // in place: truncating never reallocates.
    let kept = filled.min(limit);
    buffer[kept..].iter_mut().for_each(|byte| *byte = 0);
    buffer.truncate(kept);
    Ok(buffer)
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
    fn special_files_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("secret.fifo");
        let made = std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap();
        assert!(made.success());
        // Opening a FIFO blocks until a writer comes: read on another thread, and give up
        // (failing) if it has not answered by then.
        let (tx, rx) = std::sync::mpsc::channel();
        let path = fifo.clone();
        std::thread::spawn(move || tx.send(OsSecrets.read(&SecretRef::File(path)).map(drop)));
        let outcome = rx
            .recv_timeout(std::time::Duration::from_secs(10))
            .expect("reading a FIFO blocked instead of refusing it");
        let error = outcome.unwrap_err();
        assert!(
            matches!(error, SourceError::FileNotRegular { kind, .. } if kind.contains("FIFO")),
            "{error}"
        );

        for (path, kind) in [
            (Path::new("/dev/zero"), "character device"),
            (Path::new("/dev/null"), "character device"),
            (dir.path(), "directory"),
        ] {
            let error = read_secret_file(path).unwrap_err();
            assert!(
                matches!(&error, SourceError::FileNotRegular { kind: k, .. } if k.contains(kind)),
                "{}: {error}",
                path.display()
            );
            assert!(error.to_string().contains("not a regular file"), "{error}");
        }
    }

    #[test]
    fn readable_by_others_reads_the_mode() {
        use std::os::unix::fs::PermissionsExt as _;
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("secret");
        std::fs::write(&path, "s3cret").unwrap();
        for (mode, shared) in [(0o600, false), (0o640, true), (0o604, true), (0o400, false)] {
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(mode)).unwrap();
            assert_eq!(readable_by_others(&path), shared, "{mode:o}");
        }
        assert!(!readable_by_others(&dir.path().join("missing")));
    }

    #[test]
    fn the_first_line_is_the_secret() {
        let read = |input: &[u8], max| read_secret_line(&mut &input[..], max);
        assert_eq!(read(b"s3cret\nrest\n", 64).unwrap().as_str(), "s3cret");
        assert_eq!(read(b"s3cret\r\n", 64).unwrap().as_str(), "s3cret");
        assert_eq!(read(b" s3cret ", 64).unwrap().as_str(), " s3cret ");
        assert_eq!(read(b"", 64).unwrap().as_str(), "");
        assert_eq!(read(b"abcdef", 3).unwrap().as_str(), "abc");
        assert!(read(&[0xff, b'\n'], 64).is_err());
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

//! What can go wrong reading a config file or resolving its secrets, and where.
//!
//! Every error names the place — the file, and the dotted TOML path such as
//! `apps.acme.production.keys.web` — and never a secret value: a value written where a table was
//! expected is described by its TOML type only, and secret-reading errors name the variable or
//! path, not the contents.

use std::fmt;
use std::io;
use std::path::PathBuf;

/// Where in a config file something is wrong: the file, the app, the environment, the key
/// label, and the dotted TOML path.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Location(Box<Place>);

#[derive(Debug, Clone, Default, PartialEq, Eq)]
struct Place {
    file: Option<PathBuf>,
    app: Option<String>,
    environment: Option<String>,
    vendor: Option<String>,
    label: Option<String>,
    path: String,
}

impl Location {
    /// The top of the file.
    pub(crate) fn root(file: Option<PathBuf>) -> Location {
        Location(Box::new(Place {
            file,
            ..Place::default()
        }))
    }

    /// This location one key deeper.
    pub(crate) fn child(&self, key: &str) -> Location {
        let mut child = self.clone();
        if !child.0.path.is_empty() {
            child.0.path.push('.');
        }
        child.0.path.push_str(&toml_key(key));
        child
    }

    /// This location, inside the app `app`.
    pub(crate) fn in_app(mut self, app: &str) -> Location {
        self.0.app = Some(app.to_owned());
        self
    }

    /// This location, inside the environment `environment`.
    pub(crate) fn in_environment(mut self, environment: &str) -> Location {
        self.0.environment = Some(environment.to_owned());
        self
    }

    /// This location, inside the vendor `vendor`.
    pub(crate) fn in_vendor(mut self, vendor: &str) -> Location {
        self.0.vendor = Some(vendor.to_owned());
        self
    }

    /// This location, at the key `label`.
    pub(crate) fn at_label(mut self, label: &str) -> Location {
        self.0.label = Some(label.to_owned());
        self
    }

    /// The config file, when the config was read from one.
    pub fn file(&self) -> Option<&std::path::Path> {
        self.0.file.as_deref()
    }

    /// The app, once known.
    pub fn app(&self) -> Option<&str> {
        self.0.app.as_deref()
    }

    /// The environment, once known.
    pub fn environment(&self) -> Option<&str> {
        self.0.environment.as_deref()
    }

    /// The vendor, once known (an environment written in the single-scheme form has one vendor,
    /// named after its scheme).
    pub fn vendor(&self) -> Option<&str> {
        self.0.vendor.as_deref()
    }

    /// The key label, once known.
    pub fn label(&self) -> Option<&str> {
        self.0.label.as_deref()
    }

    /// The full dotted TOML path, e.g. `apps.acme.production.keys.web`; empty for the whole
    /// file.
    pub fn path(&self) -> &str {
        &self.0.path
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (&self.0.file, self.0.path.is_empty()) {
            (Some(file), true) => write!(f, "{}", file.display()),
            (Some(file), false) => write!(f, "{}: {}", file.display(), self.0.path),
            (None, true) => f.write_str("config"),
            (None, false) => f.write_str(&self.0.path),
        }
    }
}

/// A key as it would be written in TOML: bare when it can be, quoted otherwise.
pub(crate) fn toml_key(key: &str) -> String {
    let bare = !key.is_empty()
        && key
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if bare {
        key.to_owned()
    } else {
        format!("{key:?}")
    }
}

/// Why a secret named by the config could not be read. Never holds the secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// The environment variable is not set.
    #[error("environment variable {name} is not set")]
    EnvNotSet {
        /// The variable's name.
        name: String,
    },
    /// The environment variable's value is not valid Unicode.
    #[error("environment variable {name} is not valid Unicode")]
    EnvNotUnicode {
        /// The variable's name.
        name: String,
    },
    /// The secret file could not be read.
    #[error("cannot read secret file {}: {source}", path.display())]
    File {
        /// The file.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The secret path is not a regular file: a FIFO, a device, a directory or a socket.
    #[error(
        "secret file {} is {kind}, not a regular file; put the secret in a regular file",
        path.display()
    )]
    FileNotRegular {
        /// The path.
        path: PathBuf,
        /// What it is instead, in words (e.g. "a FIFO (named pipe)").
        kind: &'static str,
    },
    /// The secret file is not valid UTF-8.
    #[error("secret file {} is not valid UTF-8", path.display())]
    FileNotUtf8 {
        /// The file.
        path: PathBuf,
    },
    /// The secret file is larger than any secret.
    #[error(
        "secret file {} is larger than {max} bytes; a secret file holds only the secret",
        path.display()
    )]
    FileTooLarge {
        /// The file.
        path: PathBuf,
        /// The limit in bytes.
        max: u64,
    },
    /// A custom [`SecretSource`](crate::SecretSource) has no secret for this reference.
    #[error("no secret for {reference}")]
    NotFound {
        /// The reference, as written in the config (`env NAME` or `file PATH`).
        reference: String,
    },
}

/// Everything that can go wrong with a config file. Messages name the file and the place in it,
/// never a secret.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The config file itself could not be read.
    #[error("cannot read config file {}: {source}", path.display())]
    Read {
        /// The config file.
        path: PathBuf,
        /// The operating system's reason.
        source: io::Error,
    },
    /// The file is not valid TOML.
    #[error("{at}: invalid TOML at line {line}, column {column}: {message}")]
    Syntax {
        /// The file.
        at: Location,
        /// 1-based line.
        line: usize,
        /// 1-based column, in characters.
        column: usize,
        /// The parser's description, without the offending text.
        message: String,
    },
    /// A field this format does not have (often a typo).
    #[error("{at}: unknown field {field:?}; expected {expected}")]
    UnknownField {
        /// The table holding the field.
        at: Location,
        /// The field's name.
        field: String,
        /// The fields allowed there.
        expected: &'static str,
    },
    /// A required field is absent.
    #[error("{at}: missing {field}{hint}")]
    MissingField {
        /// The table that lacks it.
        at: Location,
        /// The field's name.
        field: &'static str,
        /// How to write it.
        hint: &'static str,
    },
    /// A value of the wrong TOML type.
    #[error("{at}: expected {expected}, found {found}{hint}")]
    WrongType {
        /// The value's place.
        at: Location,
        /// What belongs there.
        expected: &'static str,
        /// The TOML type found, with its article (`a string`); never the value.
        found: &'static str,
        /// How to write it.
        hint: &'static str,
    },
    /// A value of the right type that is not allowed.
    #[error("{at}: {reason}")]
    InvalidValue {
        /// The value's place.
        at: Location,
        /// What is wrong.
        reason: String,
    },
    /// A key names both an environment variable and a file.
    #[error("{at}: both env and file are set; a key's secret comes from exactly one of them")]
    BothEnvAndFile {
        /// The key.
        at: Location,
    },
    /// A key names neither an environment variable nor a file.
    #[error(
        "{at}: the key names no secret; write {{ env = \"VARIABLE\" }} or {{ file = \"PATH\" }}"
    )]
    NoSecretSource {
        /// The key.
        at: Location,
    },
    /// An environment has no keys.
    #[error("{at}: no keys; add at least one, e.g. keys.web = {{ env = \"WEB_SECRET\" }}")]
    EmptyKeys {
        /// The environment.
        at: Location,
    },
    /// An app has no environments, or the file has no apps.
    #[error("{at}: {what} is empty; {hint}")]
    Empty {
        /// The empty table.
        at: Location,
        /// What it is (`the apps table`, `app "acme"`).
        what: String,
        /// What to add.
        hint: &'static str,
    },
    /// The scheme is not a preset name nor a valid custom spec.
    #[error("{at}: {source}")]
    Scheme {
        /// The `scheme` field.
        at: Location,
        /// The core's reason.
        source: userhash::Error,
    },
    /// A key label is not allowed (labels are 1–64 characters of `a-z 0-9 _ . -`).
    #[error("{at}: {source}")]
    Label {
        /// The key.
        at: Location,
        /// The core's reason.
        source: userhash::Error,
    },
    /// The config has no app by this name.
    #[error("{at}: no app named {app:?}; the apps are {known}")]
    UnknownApp {
        /// The file.
        at: Location,
        /// The name asked for.
        app: String,
        /// The apps the config has, comma-separated.
        known: String,
    },
    /// The app has no environment by this name.
    #[error("{at}: app {app:?} has no environment {environment:?}; its environments are {known}")]
    UnknownEnvironment {
        /// The app.
        at: Location,
        /// The app's name.
        app: String,
        /// The name asked for.
        environment: String,
        /// The app's environments, comma-separated.
        known: String,
    },
    /// A key's secret could not be read.
    #[error("{at}: {source}")]
    SecretUnavailable {
        /// The key.
        at: Location,
        /// Why it could not be read.
        source: SourceError,
    },
    /// The app's environment has no vendor by this name, or several vendors and none was named.
    #[error("{at}: {}; its vendors are {known}", unknown_vendor(.vendor.as_deref()))]
    UnknownVendor {
        /// The environment.
        at: Location,
        /// The name asked for; `None` when none was given and the environment has several.
        vendor: Option<String>,
        /// The environment's vendors, comma-separated.
        known: String,
    },
    /// A payload was asked for a platform that a vendor has no key for (`vendor` is that
    /// vendor), or that no vendor of the environment has (`vendor` is `None`).
    #[error("{at}: {}", unknown_platform(.vendor.as_deref(), .platform, .known))]
    UnknownPlatform {
        /// The vendor, or the environment.
        at: Location,
        /// The vendor that lacks the platform; `None` when every vendor does.
        vendor: Option<String>,
        /// The platform asked for.
        platform: String,
        /// The vendor's key labels, or the environment's platforms, comma-separated.
        known: String,
    },
    /// The same key serves a hash scheme and a JWT scheme somewhere in the file.
    #[error(
        "{at}: the same key as {other} ({how}) serves a hash scheme and a JWT scheme: anyone who can choose their own user id could have the hash sign a JWT header and claims, and so forge a JWT for any user; give the JWT scheme its own secret (or, only while migrating, set dangerously_share_hash_and_jwt_keys = true)"
    )]
    SharedKey {
        /// One of the two keys (the later in the file).
        at: Location,
        /// The other key's dotted path.
        other: String,
        /// How they were found to be the same (the same variable or file, or the same secret).
        how: String,
    },
    /// One vendor of a payload could not be signed (raised when the caller asked for that
    /// instead of the failure in the vendor's slot).
    #[error("{at}: vendor {vendor:?}: {source}")]
    Vendor {
        /// The vendor.
        at: Location,
        /// The vendor's name.
        vendor: String,
        /// The core's reason (which never contains a secret).
        source: userhash::Error,
    },
    /// A key's secret was read but is not a usable key for the scheme (empty, or not hex for a
    /// scheme that hex-decodes its secret).
    #[error("{at}: {source}")]
    InvalidSecret {
        /// The key.
        at: Location,
        /// The core's reason (which never contains the secret).
        source: userhash::Error,
    },
}

impl ConfigError {
    /// Where the error is, when it is about a place in a config file.
    pub fn location(&self) -> Option<&Location> {
        match self {
            ConfigError::Read { .. } => None,
            ConfigError::Syntax { at, .. }
            | ConfigError::UnknownField { at, .. }
            | ConfigError::MissingField { at, .. }
            | ConfigError::WrongType { at, .. }
            | ConfigError::InvalidValue { at, .. }
            | ConfigError::BothEnvAndFile { at }
            | ConfigError::NoSecretSource { at }
            | ConfigError::EmptyKeys { at }
            | ConfigError::Empty { at, .. }
            | ConfigError::Scheme { at, .. }
            | ConfigError::Label { at, .. }
            | ConfigError::UnknownApp { at, .. }
            | ConfigError::UnknownEnvironment { at, .. }
            | ConfigError::SecretUnavailable { at, .. }
            | ConfigError::UnknownVendor { at, .. }
            | ConfigError::UnknownPlatform { at, .. }
            | ConfigError::SharedKey { at, .. }
            | ConfigError::Vendor { at, .. }
            | ConfigError::InvalidSecret { at, .. } => Some(at),
        }
    }

    /// The cause, without its data: what a program (or another language) branches on.
    pub fn kind(&self) -> ConfigErrorKind {
        match self {
            ConfigError::Read { .. } => ConfigErrorKind::Unreadable,
            ConfigError::Syntax { .. }
            | ConfigError::UnknownField { .. }
            | ConfigError::MissingField { .. }
            | ConfigError::WrongType { .. }
            | ConfigError::InvalidValue { .. }
            | ConfigError::BothEnvAndFile { .. }
            | ConfigError::NoSecretSource { .. }
            | ConfigError::EmptyKeys { .. }
            | ConfigError::Empty { .. } => ConfigErrorKind::Invalid,
            ConfigError::UnknownApp { .. } => ConfigErrorKind::UnknownApp,
            ConfigError::UnknownEnvironment { .. } => ConfigErrorKind::UnknownEnvironment,
            ConfigError::UnknownVendor { .. } => ConfigErrorKind::UnknownVendor,
            ConfigError::UnknownPlatform { .. } => ConfigErrorKind::UnknownPlatform,
            ConfigError::SecretUnavailable { .. } => ConfigErrorKind::SecretUnavailable,
            ConfigError::SharedKey { .. } => ConfigErrorKind::SharedKey,
            ConfigError::Scheme { source, .. }
            | ConfigError::Label { source, .. }
            | ConfigError::InvalidSecret { source, .. }
            | ConfigError::Vendor { source, .. } => ConfigErrorKind::Core(source.kind()),
        }
    }

    /// A stable snake_case code for programs: the CLI's `--json` output, the payload's failed
    /// slots, and every language's error code (see [`ConfigErrorKind::code`]).
    pub fn code(&self) -> &'static str {
        self.kind().code()
    }
}

fn unknown_vendor(vendor: Option<&str>) -> String {
    match vendor {
        Some(vendor) => format!("no vendor named {vendor:?}"),
        None => "this environment has several vendors: name the one to use".to_owned(),
    }
}

fn unknown_platform(vendor: Option<&str>, platform: &str, known: &str) -> String {
    match vendor {
        Some(vendor) => format!(
            "vendor {vendor:?} has no key for platform {platform:?} (its keys are {known}); add keys.{}, or set all_platforms = \"<label>\" if one key serves every platform",
            toml_key(platform)
        ),
        None => format!("no vendor has a key for platform {platform:?}; the platforms are {known}"),
    }
}

/// The cause of a [`ConfigError`] without its data: one code per thing a caller can do about it.
///
/// Everything wrong *in* the file (its syntax, a field, a value, an empty table) is one kind,
/// [`ConfigErrorKind::Invalid`], whose message names the file, the key path and the fix; a
/// problem with a scheme, a label or a secret's value keeps the core's own code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConfigErrorKind {
    /// The config file cannot be read.
    Unreadable,
    /// The text is not a valid config.
    Invalid,
    /// No app by the name asked for.
    UnknownApp,
    /// The app has no environment by the name asked for.
    UnknownEnvironment,
    /// The environment has no vendor by the name asked for (or several, and none was named).
    UnknownVendor,
    /// A vendor (or every vendor) has no key for the platform asked for.
    UnknownPlatform,
    /// A secret's environment variable or file cannot be read.
    SecretUnavailable,
    /// One key serves a hash scheme and a JWT scheme.
    SharedKey,
    /// The core's error: a scheme, a label, a secret's value, or a vendor that cannot sign.
    Core(userhash::ErrorKind),
}

impl ConfigErrorKind {
    /// Every kind of the config crate's own, in declaration order (the core's are
    /// [`userhash::ErrorKind::ALL`]).
    pub const OWN: [ConfigErrorKind; 8] = [
        ConfigErrorKind::Unreadable,
        ConfigErrorKind::Invalid,
        ConfigErrorKind::UnknownApp,
        ConfigErrorKind::UnknownEnvironment,
        ConfigErrorKind::UnknownVendor,
        ConfigErrorKind::UnknownPlatform,
        ConfigErrorKind::SecretUnavailable,
        ConfigErrorKind::SharedKey,
    ];

    /// The stable snake_case code: `config_invalid`, `secret_unavailable`, ..., or the core's.
    pub const fn code(self) -> &'static str {
        match self {
            ConfigErrorKind::Unreadable => "config_unreadable",
            ConfigErrorKind::Invalid => "config_invalid",
            ConfigErrorKind::UnknownApp => "config_unknown_app",
            ConfigErrorKind::UnknownEnvironment => "config_unknown_environment",
            ConfigErrorKind::UnknownVendor => "config_unknown_vendor",
            ConfigErrorKind::UnknownPlatform => "config_unknown_platform",
            ConfigErrorKind::SecretUnavailable => "secret_unavailable",
            ConfigErrorKind::SharedKey => "config_shared_key",
            ConfigErrorKind::Core(kind) => kind.code(),
        }
    }
}

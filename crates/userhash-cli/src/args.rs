//! From parsed flags to core types: the scheme, the keyring and where its secrets come from,
//! the identity, and the time. The only place the CLI reads the clock.

use std::cell::RefCell;
use std::io::BufRead;
use std::path::PathBuf;
use std::time::{SystemTime, UNIX_EPOCH};

use userhash::{Attributes, Freshness, Identity, Keyring, Scheme, Secret, Signer, Verifier};
use userhash_config::{
    Config, OsSecrets, SecretRef, SecretSource, SourceError, read_secret_line, readable_by_others,
};
use zeroize::Zeroizing;

use crate::cli::{AttributeArgs, CheckArgs, IdentityArgs, SchemeArgs, SecretArgs};
use crate::error::CliError;

/// The label of the one key given by `--secret-env`, `--secret-file` or `--secret-stdin`.
pub const DEFAULT_LABEL: &str = "default";

/// The most bytes read from standard input for `--secret-stdin`.
const MAX_STDIN_SECRET_BYTES: u64 = 64 * 1024;

/// A keyring (with its scheme), ready to sign or verify.
#[derive(Debug)]
pub struct Keys {
    /// The labelled secrets: one `default` key, or a config's keyring; its scheme is the one
    /// tokens follow.
    pub keyring: Keyring,
    /// The config's freshness policy, or the core's default.
    pub freshness: Freshness,
    /// The key chosen with `--label`.
    pub label: Option<String>,
    /// The secret files read that users other than the owner can read (the command warns).
    pub shared_files: Vec<PathBuf>,
}

impl Keys {
    /// Reads the scheme and secrets the flags name. `stdin` is read only for `--secret-stdin`.
    ///
    /// # Errors
    /// Unknown or inconsistent scheme, unreadable or empty secret, config errors, an unknown
    /// `--label`.
    pub fn from_flags(
        scheme: &SchemeArgs,
        secret: &SecretArgs,
        stdin: &mut dyn BufRead,
    ) -> Result<Keys, CliError> {
        let secret_flags = secret;
        let flag_scheme = scheme
            .scheme
            .as_deref()
            .map(|text| Scheme::parse(text).map_err(|error| CliError::core_in("--scheme", error)))
            .transpose()?;
        let secrets = WatchedSecrets::default();
        let mut keys = match &secret.config {
            Some(path) => from_config(path, secret, flag_scheme, &secrets)?,
            None => {
                let scheme = flag_scheme.ok_or_else(|| {
                    CliError::Usage("--scheme is required without --config".to_owned())
                })?;
                let (flag, text) = single_secret(secret, stdin, &secrets)?;
                let secret = Secret::for_scheme(&scheme, &text)
                    .map_err(|error| CliError::core_in(flag, error))?;
                let label = secret_label(&scheme, secret_flags.key_id.as_deref())?;
                Keys {
                    keyring: Keyring::new(scheme)
                        .with(label, secret)
                        .map_err(|error| CliError::core_in("--key-id", error))?,
                    freshness: Freshness::default(),
                    label: None,
                    shared_files: Vec::new(),
                }
            }
        };
        keys.shared_files = secrets.into_shared();
        if let Some(label) = &keys.label {
            if keys.keyring.get(label).is_none() {
                return Err(CliError::Usage(format!(
                    "--label {label:?}: the keyring has no such key; its keys are {}",
                    keys.labels()
                )));
            }
        }
        Ok(keys)
    }

    /// The label and signer of `--label`'s key, or of the only key.
    ///
    /// # Errors
    /// [`CliError::Usage`] when the keyring has several keys and no `--label` picks one.
    pub fn signer(&self) -> Result<(String, Signer), CliError> {
        let label = match (&self.label, self.keyring.len()) {
            (Some(label), _) => label.as_str(),
            (None, 1) => self.keyring.labels().next().unwrap_or(DEFAULT_LABEL),
            (None, _) => {
                return Err(CliError::Usage(format!(
                    "the keyring has several keys ({}); choose the one to sign with using --label",
                    self.labels()
                )));
            }
        };
        Ok((label.to_owned(), self.keyring.signer(label)?))
    }

    /// The freshness policy with `--max-age`, `--max-future-skew` and `--no-require-exp`
    /// applied. The flags are signed so that a negative window reaches the core and is refused
    /// with its typed error, as in every binding.
    ///
    /// # Errors
    /// [`userhash::Error::InvalidFreshness`] for a negative window.
    pub fn freshness_with(
        &self,
        max_age: Option<i64>,
        max_future_skew: Option<i64>,
        require_exp: bool,
    ) -> Result<Freshness, CliError> {
        let signed = |seconds: u64| i64::try_from(seconds).unwrap_or(i64::MAX);
        let freshness = if max_age.is_none() && max_future_skew.is_none() {
            self.freshness
        } else {
            Freshness::from_signed(
                max_age.unwrap_or_else(|| signed(self.freshness.max_age_seconds)),
                max_future_skew.unwrap_or_else(|| signed(self.freshness.max_future_skew_seconds)),
            )?
        };
        Ok(freshness.with_require_exp(require_exp && self.freshness.require_exp))
    }

    /// The scheme tokens follow: the keyring's.
    pub fn scheme(&self) -> &Scheme {
        self.keyring.scheme()
    }

    fn labels(&self) -> String {
        self.keyring.labels().collect::<Vec<_>>().join(", ")
    }
}

fn from_config(
    path: &std::path::Path,
    secret: &SecretArgs,
    flag_scheme: Option<Scheme>,
    secrets: &WatchedSecrets,
) -> Result<Keys, CliError> {
    let (Some(app), Some(environment)) = (&secret.app, &secret.environment) else {
        return Err(CliError::Usage(
            "--config needs --app and --env to choose the keyring".to_owned(),
        ));
    };
    let config = Config::load(path)?;
    let (keyring, freshness) =
        config.vendor_keyring(app, environment, secret.vendor.as_deref(), secrets)?;
    let scheme = keyring.scheme();
    if let Some(flag_scheme) = flag_scheme {
        if flag_scheme != *scheme {
            return Err(CliError::Usage(format!(
                "--scheme {flag_scheme} disagrees with the config, where {app}/{environment} signs with scheme {scheme}; drop --scheme or fix the config"
            )));
        }
    }
    Ok(Keys {
        keyring,
        freshness,
        label: secret.label.clone(),
        shared_files: Vec::new(),
    })
}

/// The system's secrets (env vars and files), noting each secret file that users other than the
/// owner can read, for the command to warn about once.
#[derive(Default)]
pub(crate) struct WatchedSecrets {
    shared: RefCell<Vec<PathBuf>>,
}

impl WatchedSecrets {
    /// The secret files read so far that users other than the owner can read.
    pub(crate) fn into_shared(self) -> Vec<PathBuf> {
        self.shared.into_inner()
    }
}

impl SecretSource for WatchedSecrets {
    fn read(&self, reference: &SecretRef) -> Result<Zeroizing<String>, SourceError> {
        let text = OsSecrets.read(reference)?;
        if let SecretRef::File(path) = reference {
            if readable_by_others(path) {
                self.shared.borrow_mut().push(path.clone());
            }
        }
        Ok(text)
    }
}

/// The secret text of `--secret-env`, `--secret-file` or `--secret-stdin`, and the flag's name.
/// The label of a single secret: its `--key-id`, which a scheme that names keys in the JWT
/// header requires, else [`DEFAULT_LABEL`].
fn secret_label<'a>(scheme: &Scheme, key_id: Option<&'a str>) -> Result<&'a str, CliError> {
    let requires_key_id = scheme
        .claim_layout()
        .is_some_and(|layout| layout.key_id_required);
    match key_id {
        Some(key_id) => Ok(key_id),
        None if requires_key_id => Err(CliError::Usage(format!(
            "--key-id is required: scheme {scheme} names the signing key in the JWT kid header; pass the key id from the vendor's dashboard"
        ))),
        None => Ok(DEFAULT_LABEL),
    }
}

fn single_secret(
    secret: &SecretArgs,
    stdin: &mut dyn BufRead,
    secrets: &WatchedSecrets,
) -> Result<(&'static str, Zeroizing<String>), CliError> {
    let read = |flag: &'static str, reference: SecretRef| {
        secrets
            .read(&reference)
            .map(|text| (flag, text))
            .map_err(|source| CliError::Secret { flag, source })
    };
    if let Some(name) = &secret.secret_env {
        return read("--secret-env", SecretRef::Env(name.clone()));
    }
    if let Some(path) = &secret.secret_file {
        return read("--secret-file", SecretRef::File(path.clone()));
    }
    if secret.secret_stdin {
        // Read past standard input's own buffer, which is never wiped (see read_secret_line).
        // `&mut &mut dyn BufRead`: a `&mut dyn BufRead` is itself a `Read`, so no trait upcasting,
        // which needs Rust 1.86 (the workspace's minimum is 1.85).
        let text = read_secret_line(&mut &mut *stdin, MAX_STDIN_SECRET_BYTES)
            .map_err(|error| CliError::io("--secret-stdin: cannot read standard input", error))?;
        return Ok(("--secret-stdin", text));
    }
    Err(CliError::Usage(
        "no secret: give --secret-env NAME, --secret-file PATH, --secret-stdin or --config FILE"
            .to_owned(),
    ))
}

/// What `verify` and `explain` both check: the verifier the flags build, the identity, the
/// claimed platform's label (with `--config ... --label`) and the time to check at.
pub struct Check {
    /// Every key of the scheme, with the freshness policy.
    pub verifier: Verifier,
    /// The identity the token claims to be for.
    pub identity: Identity,
    /// The platform the request claims to come from, when a keyring label was given.
    pub label: Option<String>,
    /// `--now`, or the system clock.
    pub now: u64,
    /// The secret files read that users other than the owner can read (the command warns).
    pub shared_files: Vec<PathBuf>,
}

impl Check {
    /// Builds the verifier, identity and time from `verify`/`explain` flags.
    ///
    /// # Errors
    /// Scheme, secret, config and clock errors.
    pub fn from_flags(args: &CheckArgs, stdin: &mut dyn BufRead) -> Result<Check, CliError> {
        let keys = Keys::from_flags(&args.scheme, &args.secret, stdin)?;
        let freshness =
            keys.freshness_with(args.max_age, args.max_future_skew, !args.no_require_exp)?;
        let verifier = Verifier::with_freshness(keys.keyring, freshness)?;
        Ok(Check {
            verifier,
            identity: identity(&args.identity),
            label: keys.label,
            now: now_or(args.now)?,
            shared_files: keys.shared_files,
        })
    }
}

/// The identity the flags describe, values exactly as given.
pub fn identity(flags: &IdentityArgs) -> Identity {
    Identity::new(flags.user_id.clone(), flags.email.clone())
}

/// `given`, or the system clock in Unix seconds.
///
/// # Errors
/// [`userhash::Error::ClockBeforeEpoch`].
pub fn now_or(given: Option<u64>) -> Result<u64, CliError> {
    match given {
        Some(seconds) => Ok(seconds),
        None => SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|elapsed| elapsed.as_secs())
            .map_err(|_| CliError::core(userhash::Error::ClockBeforeEpoch)),
    }
}

/// The signing time for `scheme`: `--at` or the clock for timestamped and JWT schemes, none
/// otherwise.
///
/// # Errors
/// [`CliError::Usage`] for `--at` on a scheme without timestamps.
pub fn signing_time(scheme: &Scheme, at: Option<u64>) -> Result<Option<u64>, CliError> {
    if scheme.is_timestamped() || scheme.is_jwt() {
        now_or(at).map(Some)
    } else if at.is_some() {
        Err(CliError::Usage(format!(
            "--at: scheme {scheme} does not embed a timestamp; drop --at"
        )))
    } else {
        Ok(None)
    }
}

/// Signs with the time chosen by [`signing_time`].
///
/// # Errors
/// The core's identity errors.
pub fn sign(signer: &Signer, identity: &Identity, at: Option<u64>) -> userhash::Result<String> {
    sign_with(signer, identity, &Attributes::default(), at)
}

/// Signs with the time chosen by [`signing_time`] and, for JWTs, the attributes.
///
/// # Errors
/// The core's identity and attribute errors.
pub fn sign_with(
    signer: &Signer,
    identity: &Identity,
    attributes: &Attributes,
    at: Option<u64>,
) -> userhash::Result<String> {
    match at {
        Some(seconds) if attributes.is_empty() => signer.sign_at(identity, seconds),
        Some(seconds) => signer.sign_with_at(identity, attributes, seconds),
        None => signer.sign_with(identity, attributes),
    }
}

/// The JWT attributes the flags describe.
pub fn attributes(flags: &AttributeArgs) -> Attributes {
    let mut attributes = Attributes::new();
    attributes.name.clone_from(&flags.name);
    attributes.email_verified = flags.email_verified;
    attributes.account_id.clone_from(&flags.account_id);
    attributes.nonce.clone_from(&flags.nonce);
    attributes.expires_in = flags.expires_in;
    attributes.extra_claims.clone_from(&flags.claims);
    attributes
}

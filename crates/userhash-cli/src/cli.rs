//! The command line, as clap sees it: flags, help text and nothing else. `args.rs` turns these
//! into core types.

use std::path::PathBuf;

use clap::{ArgGroup, Args, Parser, Subcommand, ValueEnum};
use clap_complete::Shell;

/// What every command's `--help` says about exit codes.
const EXIT_CODES: &str = "\
Exit status:
  0  success: the token is valid (verify, explain); every row was signed (batch); every vendor
     was signed (payload)
  1  the token is rejected (verify, explain); some rows failed (batch); some vendor failed
     (payload: its slot says why, the others are still printed)
  2  usage, input or configuration error: nothing was decided";

const LONG_ABOUT: &str = "\
Compute, check and explain the identity-verification hashes that in-app messaging and support
SDKs (Intercom, Helpshift, Jimo and more) require: an HMAC-SHA256 over the user's id or email,
keyed by a secret from the vendor's dashboard.

  userhash schemes
  userhash sign    --scheme intercom --user-id 42 --secret-env INTERCOM_SECRET
  userhash verify  --scheme intercom --user-id 42 --token <HASH> --secret-env INTERCOM_SECRET
  userhash explain --scheme intercom --user-id 42 --email ada@example.com --token <HASH> \\
                   --config userhash.toml --app acme --env production --label ios
  userhash batch   --scheme intercom --input users.csv --output hashes.csv \\
                   --secret-file /run/secrets/intercom
  userhash payload --config userhash.toml --app acme --env production --platform ios \\
                   --user-id 42 --email ada@example.com

Secrets are never taken as arguments: every user of the machine can read arguments in the
process list. Give exactly one of
  --secret-env NAME     the value of the environment variable NAME
  --secret-file PATH    the file's contents, trailing newlines removed
  --secret-stdin        the first line of standard input
  --config FILE --app APP --env ENV [--label LABEL]
                        a keyring: one secret per platform (and the previous one during a
                        rotation), each named by env var or file in a TOML file:

    [apps.acme.production]
    scheme = \"intercom\"
    keys.ios = { env = \"ACME_INTERCOM_IOS_SECRET\" }
    keys.android = { file = \"/run/secrets/acme-android\" }

    [apps.acme.test]
    scheme = \"intercom\"
    keys.web = { env = \"ACME_INTERCOM_TEST_SECRET\" }

An environment that signs for several vendors holds one table per vendor,
[apps.acme.production.vendors.<vendor>], each with its scheme and keys; name the one to use
with --vendor (payload signs them all).

With --json every command prints JSON on stdout; errors are then one JSON object on stderr,
{\"error\": {\"code\": ..., \"message\": ...}}. Without it, errors are one line on stderr.";

/// `userhash`: sign, verify, explain and batch-sign identity-verification hashes.
#[derive(Debug, Parser)]
#[command(
    name = "userhash",
    version,
    about = "Sign, verify and explain identity-verification hashes (Intercom, Helpshift, Jimo, ...)",
    long_about = LONG_ABOUT,
    after_help = EXIT_CODES,
    propagate_version = true,
    max_term_width = 100
)]
pub struct Cli {
    /// Print machine-readable JSON on stdout (errors as JSON on stderr).
    #[arg(long, global = true)]
    pub json: bool,

    /// The command to run.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// List the vendor presets: what each signs, its encoding, source and confidence.
    #[command(after_help = EXIT_CODES)]
    Schemes,
    /// Print the token for one user.
    #[command(
        after_help = EXIT_CODES,
        long_about = "Print the token for one user.\n\n\
        Timestamped schemes (jimo, chameleon) stamp the token with the current time, or with \
        --at. With a keyring of several keys, --label picks the key to sign with."
    )]
    Sign(SignArgs),
    /// Check a token: exit 0 if valid (and say which key made it), 1 with the reason if not.
    #[command(after_help = EXIT_CODES)]
    Verify(CheckArgs),
    /// Say why a token is rejected, most likely cause first, with the fix.
    #[command(
        after_help = EXIT_CODES,
        long_about = "Say why a token is rejected, most likely cause first, with the fix.\n\n\
        Re-creates the token under the mistakes people are known to make: another platform's \
        or the test workspace's key, the email hashed instead of the user id, a missing \
        concatenation, upper-case hex, base64 for hex, trimmed or case-folded or re-normalised \
        identifiers, a hex-decoded secret, key and message swapped, a stale or millisecond \
        timestamp. Pass exactly what the client sent (--user-id and --email) and, with a \
        keyring, the platform the request came from (--label)."
    )]
    Explain(CheckArgs),
    /// Sign every row of a CSV or JSON Lines file, in order, on all cores.
    #[command(
        after_help = "\
Output:
  CSV: the input columns, then the hash column and an `error` column; a failed row has an empty
  hash and the reason. A row with the wrong number of fields is cut or padded to the header.
  JSON Lines: each input object with the hash field added; a failed row is written as
  {\"line\": N, \"error\": {\"code\": ..., \"message\": ...}, \"input\": <the input row>}.
  Rows are never dropped or reordered. Each failed row is also reported on stderr as
  `line N: reason`, and the run goes on. An empty cell (CSV) or a null or absent field
  (JSON) means the field is absent.
  A summary goes to stdout, or to stderr when the hashes go to stdout.

Exit status:
  0  every row was signed
  1  some rows failed (each reported with its line number)
  2  usage, input or configuration error: the run stopped",
        long_about = "Sign every row of a CSV or JSON Lines file, in order, on all cores.\n\n\
        Rows are read in bounded chunks, each chunk is signed in parallel and written in input \
        order, so memory stays constant however large the file. Timestamped schemes stamp \
        every row with one time: --at, or the clock read once at the start. A progress bar is \
        shown when stderr is a terminal."
    )]
    Batch(BatchArgs),
    /// Print every configured vendor's token for one user on one platform, as JSON.
    #[command(
        after_help = "\
Output:
  One JSON object on stdout, one member per vendor of the environment in the config's order:
  the identity fields a hash was made over and the token under the vendor's client parameter,
  e.g. {\"intercom\":{\"user_id\":\"42\",\"user_hash\":\"...\"},\"zendesk\":{\"jwt\":\"...\"}}.
  A vendor that cannot be signed has {\"error\":\"<code>\"} instead, and its reason is printed on
  stderr (without --json); the other vendors are still signed.

Exit status:
  0  every vendor was signed
  1  some vendor failed (its slot says why; the others are still printed)
  2  usage or configuration error (no vendor has a key for the platform, a secret is missing,
     ...): nothing was printed on stdout",
        long_about = "Print every configured vendor's token for one user on one platform, as JSON.\n\n\
        Each vendor of the environment signs with its key for --platform (the key labelled with \
        the platform, or the one its all_platforms names), independently of the others. JWT \
        vendors are issued at --at (default: now, read once for all vendors) with the JWT \
        attributes each has a claim for; timestamped hashes are stamped then."
    )]
    Payload(PayloadArgs),
    /// Print a shell completion script (e.g. `userhash completions bash > /etc/bash_completion.d/userhash`).
    #[command(after_help = EXIT_CODES)]
    Completions(CompletionsArgs),
}

/// The scheme flag.
#[derive(Debug, Args)]
pub struct SchemeArgs {
    /// The vendor preset (`userhash schemes` lists them) or a custom spec such as
    /// "subject=user_id,key=utf8,output=base64,timestamp=none". With --config it defaults to
    /// the config's scheme and must agree with it.
    #[arg(
        long,
        short = 's',
        value_name = "NAME|SPEC",
        required_unless_present = "config"
    )]
    pub scheme: Option<String>,
}

/// Where the secret (or keyring) comes from: exactly one source.
#[derive(Debug, Args)]
#[group(skip)]
#[command(group(
    ArgGroup::new("secret")
        .required(true)
        .args(["secret_env", "secret_file", "secret_stdin", "config"])
))]
pub struct SecretArgs {
    /// Read the secret from the environment variable NAME.
    #[arg(
        long,
        value_name = "NAME",
        help_heading = "Secret (exactly one source)"
    )]
    pub secret_env: Option<String>,

    /// Read the secret from the file PATH (trailing newlines are removed).
    #[arg(
        long,
        value_name = "PATH",
        help_heading = "Secret (exactly one source)"
    )]
    pub secret_file: Option<PathBuf>,

    /// Read the secret from the first line of standard input.
    #[arg(long, help_heading = "Secret (exactly one source)")]
    pub secret_stdin: bool,

    /// The single secret's key id: the JWT kid header Zendesk requires, and its label
    /// (default: "default"). With --config, the labels are the config's.
    #[arg(
        long,
        value_name = "KID",
        allow_hyphen_values = true,
        conflicts_with = "config",
        help_heading = "Secret (exactly one source)"
    )]
    pub key_id: Option<String>,

    /// Read a keyring from this TOML config file (needs --app and --env).
    #[arg(
        long,
        value_name = "FILE",
        requires_all = ["app", "environment"],
        help_heading = "Secret (exactly one source)"
    )]
    pub config: Option<PathBuf>,

    /// The app in the config file.
    #[arg(
        long,
        value_name = "APP",
        allow_hyphen_values = true,
        requires = "config",
        help_heading = "Secret (exactly one source)"
    )]
    pub app: Option<String>,

    /// The app's environment in the config file (e.g. production, test).
    #[arg(
        long = "env",
        value_name = "ENV",
        allow_hyphen_values = true,
        requires = "config",
        help_heading = "Secret (exactly one source)"
    )]
    pub environment: Option<String>,

    /// The vendor of the environment, when it has several ([apps.<app>.<env>.vendors.<vendor>]).
    #[arg(
        long,
        value_name = "VENDOR",
        requires = "config",
        allow_hyphen_values = true,
        help_heading = "Secret (exactly one source)"
    )]
    pub vendor: Option<String>,

    /// The key of the keyring: the platform the request comes from (verify, explain) or the key
    /// to sign with (sign, batch).
    #[arg(
        long,
        value_name = "LABEL",
        allow_hyphen_values = true,
        requires = "config",
        help_heading = "Secret (exactly one source)"
    )]
    pub label: Option<String>,
}

/// Who the token is about. Values may begin with `-` (`--user-id -42`): every flag that takes
/// text does. Neither is the anonymous identity, which the library refuses with
/// its `unidentified` error — except `verify` of a JWT, which then reads the user from the
/// token's verified claims.
#[derive(Debug, Args)]
#[group(id = "identity", multiple = true)]
pub struct IdentityArgs {
    /// The user id, exactly as the client sends it.
    #[arg(long, value_name = "ID", allow_hyphen_values = true)]
    pub user_id: Option<String>,

    /// The email, exactly as the client sends it.
    #[arg(long, value_name = "EMAIL", allow_hyphen_values = true)]
    pub email: Option<String>,
}

/// `userhash sign`.
#[derive(Debug, Args)]
pub struct SignArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub scheme: SchemeArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub identity: IdentityArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub secret: SecretArgs,

    /// Stamp the token with this time (Unix seconds) instead of now; timestamped and JWT
    /// schemes only (a JWT's iat).
    #[arg(long, value_name = "UNIX")]
    pub at: Option<u64>,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub attributes: AttributeArgs,
}

/// What a JWT carries beyond the identity (JWT schemes only).
#[derive(Debug, Args)]
pub struct AttributeArgs {
    /// The user's display name.
    #[arg(
        long,
        value_name = "NAME",
        allow_hyphen_values = true,
        help_heading = "JWT attributes"
    )]
    pub name: Option<String>,

    /// Whether the app has verified the email (Zendesk's email_verified).
    #[arg(long, value_name = "BOOL", help_heading = "JWT attributes")]
    pub email_verified: Option<bool>,

    /// The user's account or company id (Pendo's account.id).
    #[arg(
        long,
        value_name = "ID",
        allow_hyphen_values = true,
        help_heading = "JWT attributes"
    )]
    pub account_id: Option<String>,

    /// A single-use value (required by Pendo).
    #[arg(
        long,
        value_name = "NONCE",
        allow_hyphen_values = true,
        help_heading = "JWT attributes"
    )]
    pub nonce: Option<String>,

    /// Seconds from issue to expiry (default 3600).
    #[arg(long, value_name = "SECONDS", help_heading = "JWT attributes")]
    pub expires_in: Option<u64>,

    /// More claims, as one JSON object (e.g. '{"companies":[{"id":"acme"}]}').
    #[arg(
        long,
        value_name = "JSON",
        allow_hyphen_values = true,
        help_heading = "JWT attributes"
    )]
    pub claims: Option<String>,
}

/// `userhash verify` and `userhash explain`.
#[derive(Debug, Args)]
pub struct CheckArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub scheme: SchemeArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub identity: IdentityArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub secret: SecretArgs,

    /// The token the client sent.
    #[arg(long, value_name = "TOKEN", allow_hyphen_values = true)]
    pub token: String,

    /// Check timestamps against this time (Unix seconds) instead of the clock.
    #[arg(long, value_name = "UNIX")]
    pub now: Option<u64>,

    /// The largest accepted token age in seconds, at most 2592000 (30 days); for a JWT also its
    /// longest accepted validity, exp - iat (default: the config's, else 3600).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub max_age: Option<i64>,

    /// The largest accepted lead of a token's timestamp over the clock, in seconds, at most
    /// 3600; a JWT's leeway on exp, nbf and iat (default: the config's, else 300).
    #[arg(long, value_name = "SECONDS", allow_negative_numbers = true)]
    pub max_future_skew: Option<i64>,

    /// Accept a JWT without an exp claim, for a vendor whose tokens omit it; such a token must
    /// carry an iat no older than --max-age.
    #[arg(long)]
    pub no_require_exp: bool,
}

/// Row file formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum Format {
    /// Comma-separated values with a header row.
    Csv,
    /// One JSON object per line.
    Jsonl,
}

/// `userhash batch`.
#[derive(Debug, Args)]
pub struct BatchArgs {
    #[command(flatten)]
    #[allow(missing_docs)]
    pub scheme: SchemeArgs,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub secret: SecretArgs,

    /// The rows to sign; `-` reads standard input.
    #[arg(long, short = 'i', value_name = "PATH")]
    pub input: PathBuf,

    /// Where to write the signed rows; `-` (the default) writes standard output.
    #[arg(long, short = 'o', value_name = "PATH", default_value = "-")]
    pub output: PathBuf,

    /// The input and output format.
    #[arg(long, value_enum, default_value_t = Format::Csv)]
    pub format: Format,

    /// The column (CSV) or field (JSON Lines) holding the user id [default: user_id].
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub user_id_column: Option<String>,

    /// The column (CSV) or field (JSON Lines) holding the email [default: email].
    #[arg(long, value_name = "NAME", allow_hyphen_values = true)]
    pub email_column: Option<String>,

    /// The column or field the hash is written to.
    #[arg(
        long,
        value_name = "NAME",
        default_value = "user_hash",
        allow_hyphen_values = true
    )]
    pub hash_column: String,

    /// Stamp every token with this time (Unix seconds); timestamped schemes only. Without it
    /// the clock is read once, so the whole batch carries one timestamp.
    #[arg(long, value_name = "UNIX")]
    pub at: Option<u64>,

    /// Worker threads [default: the number of CPUs]. 1 runs everything on one thread.
    #[arg(long, short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..))]
    pub threads: Option<u16>,

    /// Rows per chunk: memory is bounded by two chunks in flight.
    #[arg(long, value_name = "ROWS", default_value_t = 16_384, hide = true,
          value_parser = clap::value_parser!(u32).range(1..))]
    pub chunk_rows: u32,

    /// Never show a progress bar (it is shown only when stderr is a terminal).
    #[arg(long)]
    pub no_progress: bool,
}

/// `userhash payload`.
#[derive(Debug, Args)]
pub struct PayloadArgs {
    /// The TOML config file: apps, environments, vendors and where their secrets live.
    #[arg(long, value_name = "FILE")]
    pub config: PathBuf,

    /// The app in the config file.
    #[arg(long, value_name = "APP", allow_hyphen_values = true)]
    pub app: String,

    /// The app's environment in the config file (e.g. production, test).
    #[arg(long = "env", value_name = "ENV", allow_hyphen_values = true)]
    pub environment: String,

    /// The platform the user is on (web, ios, android, ...): each vendor signs with its key for
    /// it.
    #[arg(long, value_name = "PLATFORM", allow_hyphen_values = true)]
    pub platform: String,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub identity: IdentityArgs,

    /// Issue JWTs and stamp timestamped hashes with this time (Unix seconds) instead of now.
    #[arg(long, value_name = "UNIX")]
    pub at: Option<u64>,

    #[command(flatten)]
    #[allow(missing_docs)]
    pub attributes: AttributeArgs,
}

/// `userhash completions`.
#[derive(Debug, Args)]
pub struct CompletionsArgs {
    /// The shell to write completions for.
    #[arg(value_enum)]
    pub shell: Shell,
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_consistent() {
        Cli::command().debug_assert();
    }
}

//! `userhash payload`: every configured vendor's token for one user on one platform.

use userhash_config::{Config, PayloadOptions, VendorFailures};

use crate::args;
use crate::cli::PayloadArgs;
use crate::commands::{Status, Streams};
use crate::error::CliError;

/// Prints the payload's JSON: success when every vendor was signed, failure (with each failed
/// vendor's reason on stderr) when some were not. A secret file that users other than its owner
/// can read is warned about once, as `sign` does.
///
/// # Errors
/// Config errors (unreadable or invalid file, unknown app or environment, a secret that cannot
/// be read, a platform no vendor has a key for).
pub fn run(args: &PayloadArgs, streams: &mut Streams<'_>) -> Result<Status, CliError> {
    let config = Config::load(&args.config)?;
    let secrets = args::WatchedSecrets::default();
    let signer = config.payload_signer(&args.app, &args.environment, &secrets)?;
    streams.warn_shared_secret_files(&secrets.into_shared())?;
    let options = PayloadOptions {
        attributes: args::attributes(&args.attributes),
        at: args.at,
        failures: VendorFailures::Report,
    };
    let payload = signer.payload(&args::identity(&args.identity), &args.platform, &options)?;
    streams.line(&payload.to_json())?;
    if payload.is_complete() {
        return Ok(Status::Success);
    }
    if !streams.json {
        for error in payload.entries().iter().filter_map(|entry| entry.error()) {
            writeln!(streams.err, "userhash: {error}")
                .map_err(|error| CliError::io("cannot write to stderr", error))?;
        }
    }
    Ok(Status::Failure)
}

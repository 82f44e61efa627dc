//! `userhash sign`: the token for one user.

use serde_json::json;

use crate::args::{self, Keys};
use crate::cli::SignArgs;
use crate::commands::{Status, Streams};
use crate::error::CliError;

/// Prints the token.
///
/// # Errors
/// Scheme, secret, identity and `--at` errors.
pub fn run(args: &SignArgs, streams: &mut Streams<'_>) -> Result<Status, CliError> {
    let keys = Keys::from_flags(&args.scheme, &args.secret, streams.stdin)?;
    streams.warn_shared_secret_files(&keys.shared_files)?;
    let (label, signer) = keys.signer()?;
    let identity = args::identity(&args.identity);
    let at = args::signing_time(keys.scheme(), args.at)?;
    let attributes = args::attributes(&args.attributes);
    let token = args::sign_with(&signer, &identity, &attributes, at)?;
    if streams.json {
        streams.json_line(&json!({
            "token": token,
            "scheme": keys.scheme().to_string(),
            "label": label,
            "fingerprint": signer.fingerprint(),
            "key_id": signer.key_id(),
            "timestamp": at,
        }))?;
    } else {
        streams.line(&token)?;
    }
    Ok(Status::Success)
}

//! `userhash verify`: is this token genuine for this user, and under which key?

use serde_json::json;
use userhash::Verifier;

use crate::args::{self, Keys};
use crate::cli::CheckArgs;
use crate::commands::{Status, Streams};
use crate::error::CliError;

/// Prints the verdict: `valid` and the key, or `rejected` and the reason.
///
/// # Errors
/// Scheme, secret, identity and label errors; a rejection of the token is a [`Status::Failure`]
/// instead.
pub fn run(args: &CheckArgs, streams: &mut Streams<'_>) -> Result<Status, CliError> {
    let keys = Keys::from_flags(&args.scheme, &args.secret, streams.stdin)?;
    let freshness = keys.freshness_with(args.max_age, args.max_future_skew);
    let verifier = Verifier::with_freshness(keys.scheme.clone(), keys.keyring.clone(), freshness)?;
    let identity = args::identity(&args.identity);
    let now = args::now_or(args.now)?;
    let verdict = match &keys.label {
        Some(label) => verifier.verify_label_at(label, &identity, &args.token, now),
        None => verifier.verify_at(&identity, &args.token, now),
    };
    match verdict {
        Ok(verified) => {
            if streams.json {
                streams.json_line(&json!({
                    "valid": true,
                    "label": verified.label,
                    "fingerprint": verified.fingerprint,
                    "timestamp": verified.timestamp,
                }))?;
            } else {
                let signed_at = verified
                    .timestamp
                    .map(|ts| format!(", signed at {ts}"))
                    .unwrap_or_default();
                streams.line(&format!(
                    "valid: made with key {} (fingerprint {}){signed_at}",
                    verified.label, verified.fingerprint
                ))?;
            }
            Ok(Status::Success)
        }
        Err(rejection) if rejection.is_rejection() => {
            if streams.json {
                streams.json_line(&json!({
                    "valid": false,
                    "code": rejection.kind().code(),
                    "reason": rejection.to_string(),
                }))?;
            } else {
                streams.line(&format!("rejected: {rejection}"))?;
            }
            Ok(Status::Failure)
        }
        Err(error) => Err(error.into()),
    }
}

//! `userhash verify`: is this token genuine for this user, and under which key?

use crate::args::Check;
use crate::cli::CheckArgs;
use crate::commands::{Status, Streams};
use crate::error::CliError;
use serde_json::json;

/// Prints the verdict: `valid` and the key, or `rejected` and the reason.
///
/// # Errors
/// Scheme, secret, identity and label errors; a rejection of the token is a [`Status::Failure`]
/// instead.
pub fn run(args: &CheckArgs, streams: &mut Streams<'_>) -> Result<Status, CliError> {
    let Check {
        verifier,
        identity,
        label,
        now,
        shared_files,
    } = Check::from_flags(args, streams.stdin)?;
    streams.warn_shared_secret_files(&shared_files)?;
    let verdict = match &label {
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
                    "claims": verified
                        .claims
                        .as_deref()
                        .and_then(|claims| serde_json::from_str::<serde_json::Value>(claims).ok()),
                    "claimed_identity": verified.claimed_identity.as_ref().map(|identity| json!({
                        "user_id": identity.user_id,
                        "email": identity.email,
                    })),
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
                if let Some(claims) = &verified.claims {
                    streams.line(&format!("claims: {claims}"))?;
                }
                if let Some(identity) = &verified.claimed_identity {
                    // No --user-id or --email: the user is the one the verified claims name.
                    streams.line(&format!(
                        "identity from the token: user_id {:?}, email {:?}",
                        identity.user_id, identity.email
                    ))?;
                }
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

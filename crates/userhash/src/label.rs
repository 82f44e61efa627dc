//! Key labels — `ios`, `android`, `web`, `previous` — which also serve as JWT key ids (`kid`):
//! what a label may be, checked wherever one enters.

use crate::error::{Error, Result};

/// The longest key label.
pub const MAX_LABEL_LEN: usize = 64;

/// The length from which an all-hex label is refused as a probable secret (128-bit keys and up).
const MIN_SECRET_LOOKING_HEX: usize = 32;

/// Checks a key label (also a JWT key id): 1–64 characters of `[a-z0-9_.-]`, and not a long
/// hex string (a secret passed in the label's place).
pub(crate) fn check_label(label: &str) -> Result<()> {
    let invalid = |reason: &str| {
        Err(Error::InvalidLabel {
            reason: reason.to_owned(),
        })
    };
    if label.is_empty() {
        return invalid("the label is empty");
    }
    if label.len() > MAX_LABEL_LEN {
        return invalid("the label is longer than 64 characters");
    }
    let allowed = |c: char| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c);
    if !label.chars().all(allowed) {
        return invalid("the label has a character other than a-z, 0-9, '_', '.', '-'");
    }
    // Labels are printed (errors, Verified, logs); a long run of hex digits is a dashboard secret
    // passed in the label's place, and must not be accepted and then shown.
    if label.len() >= MIN_SECRET_LOOKING_HEX && label.bytes().all(|b| b.is_ascii_hexdigit()) {
        return invalid(
            "the label is a long hex string, which looks like a secret: were label and secret swapped?",
        );
    }
    Ok(())
}

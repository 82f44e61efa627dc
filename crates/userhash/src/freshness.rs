//! How old, and how far ahead of the clock, a token may be: the freshness policy, bounded so that
//! no setting can switch expiry off.

use crate::error::{Error, Result};

/// The default maximum age of a timestamped token: one hour.
///
/// A timestamped token is minted when the app server renders the page or answers the login, and
/// the client sends it when the widget boots, usually seconds later; an hour tolerates long-lived
/// single-page sessions while bounding how long a leaked token can be replayed.
pub const DEFAULT_MAX_AGE_SECONDS: u64 = 3600;

/// The default tolerance for a timestamp ahead of the verifier's clock: five minutes.
///
/// Both clocks belong to servers that should be NTP-synchronised to well under a second; five
/// minutes absorbs a badly drifting host (the tolerance Standard Webhooks uses) while a
/// millisecond timestamp — a thousand times too large — is still caught.
pub const DEFAULT_MAX_FUTURE_SKEW_SECONDS: u64 = 300;

/// The largest accepted [`Freshness::max_age_seconds`]: 30 days.
///
/// No vendor's timestamped token or JWT is meant to live anywhere near that long; the ceiling
/// exists so that a misconfiguration (a `-1` wrapped to 2^64-1 by a binding, a value in
/// milliseconds) is refused with [`Error::InvalidFreshness`] instead of turning expiry off.
pub const MAX_AGE_CEILING_SECONDS: u64 = 30 * 24 * 60 * 60;

/// The largest accepted [`Freshness::max_future_skew_seconds`]: one hour, far beyond any clock
/// drift between two servers, and still enough to catch a timestamp in milliseconds.
pub const MAX_FUTURE_SKEW_CEILING_SECONDS: u64 = 60 * 60;

/// How old, and how far in the future, a timestamped token may be; for JWTs also how long one
/// may be valid, and whether it must carry an `exp`.
///
/// The fields are public for reading and literal construction; a [`Verifier`](crate::Verifier) refuses a policy
/// over the ceilings ([`Freshness::validate`]). [`Freshness::new`] and [`Freshness::from_signed`]
/// check at once.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub struct Freshness {
    /// The largest accepted age in seconds (an age equal to it is accepted), at most
    /// [`MAX_AGE_CEILING_SECONDS`]. For JWTs it is also the longest accepted validity period:
    /// `exp - iat`, or `exp - now` for a token without `iat`.
    pub max_age_seconds: u64,
    /// The largest accepted lead of the token's timestamp over the verifier's clock, in seconds,
    /// at most [`MAX_FUTURE_SKEW_CEILING_SECONDS`]; a JWT's leeway on `exp`, `nbf` and `iat`.
    pub max_future_skew_seconds: u64,
    /// Whether a JWT must carry an `exp` claim (the default). Switch it off only for a vendor
    /// whose tokens omit `exp`; such a token must then carry an `iat`, bounded by the max age.
    pub require_exp: bool,
}

impl Default for Freshness {
    fn default() -> Freshness {
        Freshness {
            max_age_seconds: DEFAULT_MAX_AGE_SECONDS,
            max_future_skew_seconds: DEFAULT_MAX_FUTURE_SKEW_SECONDS,
            require_exp: true,
        }
    }
}

impl Freshness {
    /// A policy with these windows (JWTs must carry `exp`).
    ///
    /// # Errors
    /// [`Error::InvalidFreshness`] above a ceiling.
    pub fn new(max_age_seconds: u64, max_future_skew_seconds: u64) -> Result<Freshness> {
        let freshness = Freshness {
            max_age_seconds,
            max_future_skew_seconds,
            require_exp: true,
        };
        freshness.validate()?;
        Ok(freshness)
    }

    /// [`Freshness::new`] from signed seconds, for callers whose integers are signed (Java's
    /// `long`, Python's `int`, Swift's `Int64`: every binding): a negative value is refused,
    /// never wrapped to a huge unsigned one.
    ///
    /// # Errors
    /// [`Error::InvalidFreshness`] for a negative value or one above a ceiling.
    pub fn from_signed(max_age_seconds: i64, max_future_skew_seconds: i64) -> Result<Freshness> {
        let unsigned = |setting: &'static str, value: i64, max: u64| {
            u64::try_from(value).map_err(|_| Error::InvalidFreshness {
                setting,
                value: i128::from(value),
                max,
            })
        };
        Freshness::new(
            unsigned("max_age_seconds", max_age_seconds, MAX_AGE_CEILING_SECONDS)?,
            unsigned(
                "max_future_skew_seconds",
                max_future_skew_seconds,
                MAX_FUTURE_SKEW_CEILING_SECONDS,
            )?,
        )
    }

    /// This policy with `exp` required or not on JWTs.
    #[must_use]
    pub fn with_require_exp(self, require_exp: bool) -> Freshness {
        Freshness {
            require_exp,
            ..self
        }
    }

    /// Checks the windows against their ceilings.
    ///
    /// # Errors
    /// [`Error::InvalidFreshness`] naming the first setting above its ceiling.
    pub fn validate(&self) -> Result<()> {
        for (setting, value, max) in [
            (
                "max_age_seconds",
                self.max_age_seconds,
                MAX_AGE_CEILING_SECONDS,
            ),
            (
                "max_future_skew_seconds",
                self.max_future_skew_seconds,
                MAX_FUTURE_SKEW_CEILING_SECONDS,
            ),
        ] {
            if value > max {
                return Err(Error::InvalidFreshness {
                    setting,
                    value: i128::from(value),
                    max,
                });
            }
        }
        Ok(())
    }

    /// Checks a genuine token's timestamp against the clock reading `now`.
    ///
    /// # Errors
    /// [`Error::Expired`] or [`Error::FromTheFuture`].
    pub fn check(&self, timestamp: u64, now: u64) -> Result<()> {
        if timestamp <= now {
            let age = now - timestamp;
            if age > self.max_age_seconds {
                return Err(Error::Expired {
                    age,
                    max_age: self.max_age_seconds,
                });
            }
        } else {
            let ahead = timestamp - now;
            if ahead > self.max_future_skew_seconds {
                return Err(Error::FromTheFuture {
                    ahead,
                    max_skew: self.max_future_skew_seconds,
                });
            }
        }
        Ok(())
    }
}

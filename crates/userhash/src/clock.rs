//! The one place the core reads the system clock.
//!
//! Every time-dependent operation has an `_at(…, now)` form that takes the time as a parameter;
//! the clock-reading conveniences call this and delegate, so tests never depend on real time.

use std::time::{SystemTime, UNIX_EPOCH};

use crate::error::{Error, Result};

/// Seconds since the Unix epoch, now.
pub(crate) fn unix_now() -> Result<u64> {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map(|elapsed| elapsed.as_secs())
        .map_err(|_| Error::ClockBeforeEpoch)
}

//! Who a token is about.

use userhash::Identity as CoreIdentity;

/// The identity a token vouches for: a user id, an email, or both. Values are used exactly as
/// given — never trimmed, case-folded or normalised. With neither, the user is anonymous.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Identity {
    /// The application's stable identifier for the user.
    #[uniffi(default)]
    pub user_id: Option<String>,
    /// The user's email address.
    #[uniffi(default)]
    pub email: Option<String>,
}

impl From<Identity> for CoreIdentity {
    fn from(identity: Identity) -> CoreIdentity {
        CoreIdentity::new(identity.user_id, identity.email)
    }
}

impl From<CoreIdentity> for Identity {
    fn from(identity: CoreIdentity) -> Identity {
        Identity {
            user_id: identity.user_id,
            email: identity.email,
        }
    }
}

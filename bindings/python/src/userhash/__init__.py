"""userhash: identity-verification hashes for customer-messaging SDKs.

Sign (the app server), verify against per-platform keys with rotation and freshness (the auth
server), gate requests through the off → report → enforce rollout, and explain rejected hashes.
One Rust implementation behind Python, Kotlin and Swift: the same bytes in every language.

    >>> import userhash
    >>> scheme = userhash.Scheme.by_name("intercom")
    >>> signer = userhash.Signer(scheme, "secret")
    >>> signer.sign(userhash.Identity(user_id="Message"))
    'aa747c502a898200f9e4fa21bac68136f886a0e27aec70ba06daf2e2a5cb5597'

Every failure raises a subclass of :class:`UserHashError` (``UserHashError.Mismatch``,
``UserHashError.EmptySecret``, ...) whose message never contains a secret or a whole token.
"""

from ._ffi.userhash import *  # noqa: F401,F403  (the generated bindings are the API)
from ._ffi.userhash import __all__ as _generated_all

__all__ = list(_generated_all)

"""A recognisable secret, and its hex form for the schemes that hex-decode their secret, shows
nowhere: in no exception (message, repr, args, formatted traceback), and in no str() or repr() of
a scheme, keyring, signer, verifier, gate, verdict, decision, batch entry or diagnosis — for every
kind of scheme, whatever the token and whatever goes wrong.

test_errors.py checks the same for one text-key scheme; this file adds the hex-key, base64 and
timestamped schemes, the canary's hex form, and the canary pasted where a token or an identifier
belongs. Scheme names and keyring labels are echoed by design (to say which one is wrong), so the
canary is never put there.
"""

from __future__ import annotations

import traceback
from typing import Callable

import pytest

from userhash import (
    Enforcement,
    Gate,
    Identity,
    KeyEncoding,
    Keyring,
    Scheme,
    Signer,
    TimestampPlacement,
    UserHashError,
    Verifier,
)

CANARY = "LEAKCANARY-7f3a9c"
OTHER = "OTHERCANARY-0b1d2e"
FORBIDDEN = (CANARY, CANARY.encode().hex(), CANARY.encode().hex().upper())
NOW = 1_741_761_700
ISSUED = NOW - 96
ADA = Identity(user_id="42", email="ada@example.com")
SCHEMES = [
    "intercom",
    "helpshift",
    "jimo",
    "pylon",
    "channel-io",
    "subject=user_id_and_email,key=hex,output=base64,timestamp=suffix",
]


def typed(scheme: Scheme, secret: str) -> str:
    """A secret as the scheme wants it typed into a dashboard: text, or hex for hex-key schemes."""
    return secret.encode().hex() if scheme.info().key_encoding == KeyEncoding.HEX else secret


def timestamped(scheme: Scheme) -> bool:
    return scheme.info().timestamp == TimestampPlacement.SUFFIX


def sign(signer: Signer, identity: Identity, at: int) -> str:
    return signer.sign_at(identity, at) if timestamped(signer.scheme()) else signer.sign(identity)


class Shown:
    """Everything a test made or caught, as the text a log or a traceback would show."""

    def __init__(self) -> None:
        self.texts: list[tuple[str, str]] = []

    def add(self, what: str, value: object) -> None:
        self.texts += [(what, str(value)), (what, repr(value))]

    def call(self, what: str, action: Callable[[], object]) -> None:
        try:
            self.add(what, action())
        except (UserHashError, ValueError) as error:
            self.add(what, error)
            self.texts.append((what, repr(error.args)))
            lines = traceback.format_exception(type(error), error, error.__traceback__)
            self.texts.append((what, "".join(lines)))

    def assert_hidden(self) -> None:
        assert len(self.texts) > 1000, len(self.texts)
        for what, text in self.texts:
            for secret in FORBIDDEN:
                assert secret not in text, f"{secret!r} shown by {what}: {text}"


@pytest.mark.parametrize("spec", SCHEMES)
def test_the_canary_secret_never_shows(spec: str) -> None:
    shown = Shown()
    scheme = Scheme.parse(spec)
    secret = typed(scheme, CANARY)
    keyring = Keyring(scheme).with_key("web", secret).with_key("ios", typed(scheme, OTHER))
    verifier = Verifier(keyring)
    gates = [Gate(verifier, mode) for mode in Enforcement]
    signer = keyring.signer("web")
    for item in (scheme, scheme.info(), keyring, keyring.labels(), verifier, signer, *gates):
        shown.add("object", item)

    genuine = sign(signer, ADA, ISSUED)
    from_ios = sign(keyring.signer("ios"), ADA, ISSUED)
    tokens = [genuine, genuine.upper(), from_ios, CANARY, CANARY.encode().hex(), secret, ""]
    if scheme.info().key_encoding == KeyEncoding.HEX:
        # The hex secret used as text: a secret_used_as_text finding.
        as_text = Scheme.parse(scheme.info().spec.replace("key=hex", "key=utf8"))
        tokens.append(sign(Signer(as_text, secret), ADA, ISSUED))
        diagnosis = verifier.explain_at(ADA, tokens[-1], NOW, "web")
        assert "secret_used_as_text" in [finding.code for finding in diagnosis.findings]
    if timestamped(scheme):
        tokens += [sign(signer, ADA, at) for at in (ISSUED * 1000, NOW - 7200, NOW + 7200)]
        tokens.append(genuine.split("-")[0])
    assert "wrong_key" in [f.code for f in verifier.explain_at(ADA, from_ios, NOW, "web").findings]

    confused = Identity(user_id=CANARY, email=secret)
    for identity in (ADA, confused, Identity(), Identity(user_id=""), Identity(email="")):
        for token in tokens:
            shown.call("verify_at", lambda: verifier.verify_at(identity, token, NOW))
            shown.call("verify_at web", lambda: verifier.verify_at(identity, token, NOW, "web"))
            shown.call("explain_at", lambda: verifier.explain_at(identity, token, NOW))
            shown.call("explain_at web", lambda: verifier.explain_at(identity, token, NOW, "web"))
            for gate in gates:
                shown.call("check_at", lambda: gate.check_at(identity, token, NOW))
                shown.call("check_at web", lambda: gate.check_at(identity, token, NOW, "web"))
        shown.call("sign", lambda: signer.sign(identity))
        shown.call("sign_at", lambda: signer.sign_at(identity, NOW))
        shown.call("sign_batch", lambda: signer.sign_batch([identity, ADA]))
    shown.call("too long", lambda: signer.sign(Identity(user_id=CANARY * 70, email=CANARY * 70)))
    shown.call("unknown label", lambda: keyring.signer("android"))
    shown.call("duplicate label", lambda: keyring.with_key("web", secret))
    shown.call("empty keyring", lambda: Verifier(Keyring(scheme)))
    for bad in (secret + "a", "0x" + secret, secret + " ", CANARY + "\udcff", secret.upper()):
        shown.call("secret", lambda: Signer(scheme, bad))
        shown.call("keyring secret", lambda: Keyring(scheme).with_key("web", bad))
    shown.assert_hidden()

"""The case builders of the hash files: each case states its intended outcome and asserts
the model agrees; case ids are unique across every file; the demo secrets and identities."""

import hashlib

from .hash_model import (
    PRESETS,
    UserhashError,
    build_keyring,
    gate,
    is_hex_secret,
    make_key,
    parse_scheme,
    sign,
    verify,
)
from .hash_diagnosis import explain


GENERATOR = "testdata/generate_vectors.py"

# The `source` strings used by the cases.
COMPUTED = "computed: Python hmac (testdata/generate_vectors.py)"
SOURCE_JIMO = "vendor docs: Jimo identity verification worked example (VENDORS.md)"
SOURCE_SECRET_MESSAGE = (
    'known answer: HMAC-SHA256(key "secret", message "Message") = aa747c50... (VENDORS.md)'
)


# A "typical" verification moment, taken from the Jimo example (time 1741761604).
TYPICAL_TS = 1741761604
TYPICAL_NOW = 1741761700


ALL_IDS = set()


def register_id(case_id):
    assert case_id not in ALL_IDS, f"duplicate case id {case_id}"
    assert case_id == case_id.lower() and " " not in case_id, case_id
    ALL_IDS.add(case_id)


class VectorFile:
    """One output file: about + the five sections, filled by the *_case methods."""

    def __init__(self, name, about):
        self.name = name
        self.about = about
        self.sign = []
        self.verify = []
        self.errors = []
        self.explain = []
        self.gate = []

    def to_json(self):
        return {
            "about": self.about,
            "generator": GENERATOR,
            "sign": self.sign,
            "verify": self.verify,
            "errors": self.errors,
            "explain": self.explain,
            "gate": self.gate,
        }

    # --- sign ---
    def sign_case(self, case_id, scheme, secret, user_id=None, email=None, timestamp=None,
                  source=COMPUTED, expected=None):
        """Add a sign case; `expected` (if given) is asserted against the model."""
        register_id(case_id)
        token = sign(scheme, secret, user_id, email, timestamp)
        if expected is not None:
            assert token == expected, f"{case_id}: model gives {token}, expected {expected}"
        self.sign.append({
            "id": case_id, "source": source, "scheme": scheme, "secret": secret,
            "user_id": user_id, "email": email, "timestamp": timestamp, "expected": token,
        })
        return token

    # --- verify ---
    def verify_case(self, case_id, scheme, keyring, user_id, email, token, *, valid=None,
                    error=None, now=None, max_age=None, max_future_skew=None,
                    only_label=None, source=COMPUTED):
        """valid=LABEL for an accepted token, error=CODE for a rejection."""
        register_id(case_id)
        assert (valid is None) != (error is None), case_id
        intended = {"valid": True, "label": valid} if valid else {"valid": False, "error": error}
        outcome = verify(scheme, keyring, user_id, email, token, now, max_age,
                         max_future_skew, only_label)
        assert outcome == intended, f"{case_id}: model gives {outcome}, intended {intended}"
        if parse_scheme(scheme).timestamp == "none":
            assert now is None, f"{case_id}: `now` is null for non-timestamped schemes"
        self.verify.append({
            "id": case_id, "source": source, "scheme": scheme, "keyring": keyring,
            "user_id": user_id, "email": email, "token": token, "now": now,
            "max_age": max_age, "max_future_skew": max_future_skew,
            "only_label": only_label, "expected": outcome,
        })

    # --- errors ---
    def error_case(self, case_id, operation, error, *, scheme, secret=None, user_id=None,
                   email=None, timestamp=None, keyring=None, token=None, now=None,
                   max_age=None, max_future_skew=None, only_label=None, source=COMPUTED):
        register_id(case_id)
        case = {
            "id": case_id, "source": source, "operation": operation, "scheme": scheme,
            "secret": secret, "user_id": user_id, "email": email, "timestamp": timestamp,
            "keyring": keyring, "token": token, "now": now, "max_age": max_age,
            "max_future_skew": max_future_skew, "only_label": only_label, "error": error,
        }
        secrets = [secret] + [entry["secret"] for entry in keyring or []]
        assert not any(s and looks_real(s) for s in secrets), f"{case_id}: real-looking secret"
        try:
            run_operation(case)
        except UserhashError as failure:
            assert failure.code == error, \
                f"{case_id}: model raises {failure.code}, intended {error}"
        else:
            raise AssertionError(f"{case_id}: model raised nothing, intended {error}")
        self.errors.append(case)

    # --- gate ---
    def gate_case(self, case_id, scheme, keyring, enforcement, user_id, email, token, *,
                  outcome, now=None, only_label=None, source=COMPUTED):
        """`outcome` is the intended outcome; the rest of the decision comes from the model."""
        register_id(case_id)
        decision = gate(scheme, keyring, enforcement, user_id, email, token, now,
                        only_label=only_label)
        assert decision["outcome"] == outcome, \
            f"{case_id}: model gives {decision}, intended {outcome}"
        if parse_scheme(scheme).timestamp == "none":
            assert now is None, case_id
        self.gate.append({
            "id": case_id, "source": source, "scheme": scheme, "keyring": keyring,
            "enforcement": enforcement, "user_id": user_id, "email": email, "token": token,
            "now": now, "max_age": None, "max_future_skew": None, "only_label": only_label,
            "expected": decision,
        })

    # --- explain ---
    def explain_case(self, case_id, scheme, keyring, user_id, email, token, *,
                     causes=(), valid=None, expected_label=None, now=None, source=COMPUTED):
        """causes: the mistake(s) deliberately applied to build `token` (1 or 2);
        valid=LABEL for a token that verifies; neither for "no known mistake"."""
        register_id(case_id)
        causes = list(causes)
        label, explanations = explain(scheme, keyring, expected_label, user_id, email, token, now)
        if valid is not None:
            assert label == valid and not causes, f"{case_id}: model gives {label}"
            # A valid token under a scheme that joins user id and email with no separator is
            # valid for every other split of the same text too: the diagnosis says so.
            notes = (["ambiguous_concatenation"]
                     if parse_scheme(scheme).subject == "user_id_and_email" else [])
            expected = {"valid": True, "label": valid, "first": notes[0] if notes else None,
                        "includes": notes}
        else:
            assert label is None, f"{case_id}: token unexpectedly verifies ({label})"
            if causes:
                assert explanations == [frozenset(causes)], \
                    f"{case_id}: model finds {explanations}, intended {causes}"
            else:
                assert explanations == [], f"{case_id}: model finds {explanations}"
            first = causes[0] if len(causes) == 1 else None
            expected = {"valid": False, "label": None, "first": first, "includes": causes}
        if parse_scheme(scheme).timestamp == "none":
            assert now is None, case_id
        self.explain.append({
            "id": case_id, "source": source, "scheme": scheme, "keyring": keyring,
            "expected_label": expected_label, "user_id": user_id, "email": email,
            "token": token, "now": now, "expected": expected,
        })


def run_operation(case):
    """Run an `errors` case through the model (raises UserhashError)."""
    op = case["operation"]
    if op == "scheme":
        parse_scheme(case["scheme"])
    elif op == "secret":
        make_key(parse_scheme(case["scheme"]), case["secret"])
    elif op == "sign":
        sign(case["scheme"], case["secret"], case["user_id"], case["email"], case["timestamp"])
    elif op == "keyring":
        build_keyring(parse_scheme(case["scheme"]), case["keyring"])
    elif op == "verify":
        outcome = verify(case["scheme"], case["keyring"], case["user_id"], case["email"],
                         case["token"], case["now"], case["max_age"], case["max_future_skew"],
                         case["only_label"])
        raise AssertionError(f"{case['id']}: verify returned {outcome}; errors need input errors")
    else:
        raise AssertionError(op)


# --- fixtures: obviously-demo secrets, derived deterministically ----------------


def demo_text_secret(tag):
    """A text secret such as "demo_intercom_ios_5f2c...": clearly not a real key."""
    return "demo_" + tag.replace("-", "_").replace("/", "_") + "_" + \
        hashlib.sha256(("userhash-vectors/" + tag).encode()).hexdigest()[:20]


def demo_hex_secret(tag):
    """64 lowercase hex chars (32 bytes), derived from the tag."""
    return hashlib.sha256(("userhash-vectors/hex/" + tag).encode()).hexdigest()


def secret_for(preset, tag):
    """The secret style a preset's dashboard hands out: hex for hex-key schemes,
    hex-looking text for Jimo (as in its docs), readable text otherwise."""
    scheme = PRESETS[preset]
    if scheme.key == "hex" or preset == "jimo":
        return demo_hex_secret(preset + "/" + tag)
    return demo_text_secret(preset + "/" + tag)


def ring(*pairs):
    return [{"label": label, "secret": secret} for label, secret in pairs]


UID = "42"
UID_UUID = "7f1c2e9a-3b4d-4e5f-8a6b-9c0d1e2f3a4b"
OTHER_UID = "43"
EMAIL = "ada@example.com"
OTHER_EMAIL = "grace@example.com"

# Error cases never carry a real-looking secret: only these obvious placeholders
# (or deliberately broken values such as "abc" or "zz").
BAD_SECRET = "not-a-real-secret"
FAKE_HEX_SECRET = "00ff"


def looks_real(secret):
    """True for the demo secrets used by sign/verify cases (kept out of `errors`)."""
    return secret.startswith("demo_") or (len(secret) >= 32 and is_hex_secret(secret))


PRESET_ABOUT = {
    "intercom": "Intercom (web, iOS, Android, Cordova): HMAC of user_id, or of the email only "
                "when there is no user_id; lowercase hex; one secret per platform "
                "(VENDORS.md, confidence C).",
    "helpshift": "Helpshift: HMAC of user_id, or email, or user_id + email concatenated with no "
                 "separator when both are present; standard padded base64 (VENDORS.md, C).",
    "helpshift-full-privacy": "Helpshift full-privacy mode: HMAC of user_id only, email ignored; "
                              "standard padded base64 (VENDORS.md, C).",
    "jimo": "Jimo: HMAC of \"{id}-{unix_seconds}\", token \"{hex}-{unix_seconds}\"; the "
            "hex-looking dashboard secret is used as UTF-8 text (VENDORS.md, C).",
    "front": "Front Chat: HMAC of the user ID when one is passed, else of the email; hex "
             "(VENDORS.md, C).",
    "help-scout": "Help Scout Beacon: HMAC of the email; hex (VENDORS.md, C).",
    "chatwoot": "Chatwoot: HMAC of the identifier passed to setUser (user_id) with the per-inbox "
                "token as UTF-8; hex (VENDORS.md, C).",
    "crisp": "Crisp: HMAC of the email; hex (VENDORS.md, confidence I: inferred, a hypothesis).",
    "gleap": "Gleap: HMAC of the user id as a string (numeric ids stringified); hex "
             "(VENDORS.md, C).",
    "featurebase-legacy": "Featurebase legacy HMAC mode: HMAC of the user id, else of the email "
                          "(user id wins when both); hex (VENDORS.md, C).",
    "plain": "Plain: HMAC of the email; hex (VENDORS.md, C).",
    "pylon": "Pylon: HMAC of the email keyed with the hex-decoded secret bytes; hex "
             "(VENDORS.md, C).",
    "channel-io": "Channel.io: HMAC of the member id keyed with the hex-decoded secret bytes; hex "
                  "(VENDORS.md, C).",
    "novu": "Novu: HMAC of the subscriber id with the environment API secret; hex "
            "(VENDORS.md, C).",
    "userflow": "Userflow: HMAC of the user id, one secret per environment; hex output is "
                "inferred (VENDORS.md, C/I).",
    "chameleon": "Chameleon: HMAC of \"{uid}-{unix_seconds}\", token \"{hex}-{unix_seconds}\", "
                 "same shape as Jimo (VENDORS.md, C).",
    "helpcrunch": "HelpCrunch: HMAC of the user id; hex (VENDORS.md, C).",
    "tawk-to": "Tawk.to: HMAC of the user id with the per-property key; hex output is inferred "
               "(VENDORS.md, C/I).",
}

"""The installed wheel: typed, its public names exported (and no FFI plumbing), the Rust doc
comments as docstrings, and the Python forms of its calls and reprs."""

from __future__ import annotations

import inspect
from pathlib import Path

import pytest

import userhash

MAIN_NAMES = [
    "Scheme", "Signer", "Keyring", "Verifier", "Gate", "Identity", "Freshness", "Verified",
    "Decision", "Diagnosis", "Finding", "BatchEntry", "SchemeInfo", "PresetInfo",
    "Enforcement", "Outcome", "Cause", "ErrorCode", "Subject", "KeyEncoding", "Encoding",
    "TimestampPlacement", "Confidence", "UserHashError",
    "preset_names", "presets", "default_freshness", "error_code_name",
]  # fmt: skip


def test_the_installed_package_is_used() -> None:
    # Not bindings/python/src: that tree has no native library, so importing it would fail.
    installed_in = Path(userhash.__file__).resolve().parent.parent.name
    assert installed_in in ("site-packages", "dist-packages"), userhash.__file__


def test_py_typed_marker_is_installed() -> None:
    assert (Path(userhash.__file__).parent / "py.typed").is_file()


@pytest.mark.parametrize("name", MAIN_NAMES)
def test_main_names_are_exported(name: str) -> None:
    assert name in userhash.__all__
    assert getattr(userhash, name) is not None


def test_star_import_gives_the_api() -> None:
    namespace: dict[str, object] = {}
    exec("from userhash import *", namespace)
    assert set(MAIN_NAMES) <= set(namespace)


def test_package_docstring_example() -> None:
    assert userhash.__doc__ and "Signer" in userhash.__doc__
    signer = userhash.Signer(userhash.Scheme.by_name("intercom"), "secret")
    # HMAC-SHA256(key "secret", message "Message"), the known answer in VENDORS.md
    expected = "aa747c502a898200f9e4fa21bac68136f886a0e27aec70ba06daf2e2a5cb5597"
    assert signer.sign(userhash.Identity(user_id="Message")) == expected


@pytest.mark.parametrize(
    "obj, words",
    [
        (userhash.Signer, "share one"),
        (userhash.Signer.sign, "identity"),
        (userhash.Signer.sign_at, "unix_seconds"),
        (userhash.Keyring, "label"),
        (userhash.Keyring.with_key, "these keys plus"),
        (userhash.Verifier, "constant time"),
        (userhash.Verifier.explain_at, "expected_label"),
        (userhash.Gate, "enforcement"),
        (userhash.Gate.check_at, "now"),
        (userhash.Identity, "never trimmed"),
        (userhash.Decision, "gate"),
        (userhash.UserHashError, "never contains a secret"),
        (userhash.UserHashError.Mismatch, "No key"),  # type: ignore[attr-defined]
        (userhash.Enforcement, "Off"),
    ],
    ids=lambda value: getattr(value, "__qualname__", None) if callable(value) else None,
)
def test_docstrings_come_from_the_rust_doc_comments(obj: object, words: str) -> None:
    doc = inspect.getdoc(obj)
    assert doc and words in doc, doc


def test_version() -> None:
    import re
    from importlib.metadata import version

    # The one version is the workspace's (Cargo.toml); maturin gives it to the wheel.
    cargo = (Path(__file__).resolve().parents[3] / "Cargo.toml").read_text(encoding="utf-8")
    workspace = re.search(r'^version = "([^"]+)"', cargo, re.MULTILINE)
    assert workspace is not None
    assert version("userhash") == workspace.group(1)


def test_records_repr_their_fields() -> None:
    identity = userhash.Identity(user_id="42")
    assert repr(identity) == "Identity(user_id='42', email=None)"
    assert eval(repr(identity), {"Identity": userhash.Identity}) == identity  # noqa: S307
    decision = userhash.Gate(
        userhash.Verifier(userhash.Keyring(userhash.Scheme.by_name("intercom")).with_key("web", "s")),
        userhash.Enforcement.ENFORCE,
    ).check(identity)
    shown = repr(decision)
    assert shown.startswith("Decision(allowed=False, outcome=<Outcome.MISSING")
    assert "would_deny_when_enforced=True" in shown


def test_the_public_namespace_holds_no_ffi_plumbing() -> None:
    public = {name for name in dir(userhash) if not name.startswith("_")}
    submodules = {name for name in public if inspect.ismodule(getattr(userhash, name))}
    assert public - submodules == set(userhash.__all__)
    for plumbing in ("PackedFields", "packed_absent_length", "TYPE_CHECKING"):
        assert plumbing not in public
    assert not [name for name in public if name.endswith("Protocol")]


def test_sign_takes_an_identity_a_user_id_or_keywords() -> None:
    signer = userhash.Signer(userhash.Scheme.by_name("helpshift"), "secret")
    both = userhash.Identity(user_id="42", email="ada@example.com")
    assert signer.sign(user_id="42", email="ada@example.com") == signer.sign(both)
    assert signer.sign("42") == signer.sign(user_id="42") == signer.sign(userhash.Identity(user_id="42"))
    assert signer.sign(email="ada@example.com") == signer.sign(userhash.Identity(email="ada@example.com"))
    with pytest.raises(userhash.UserHashError.Unidentified):  # type: ignore[attr-defined]
        signer.sign()


def test_objects_repr_their_scheme_and_key_fingerprint() -> None:
    scheme = userhash.Scheme.by_name("intercom")
    keyring = userhash.Keyring(scheme).with_key("web", "s3cret-value").with_key("ios", "other")
    web = keyring.fingerprint("web")
    signer = keyring.signer("web")
    assert repr(scheme) == "Scheme('intercom')"
    assert repr(userhash.Scheme.parse("subject=email")) == (
        "Scheme('subject=email,key=utf8,output=hex,timestamp=none')"
    )
    assert repr(signer) == f"Signer(scheme='intercom', key={web!r})"
    zendesk = userhash.Keyring(userhash.Scheme.by_name("zendesk")).with_key("app_1", "z")
    assert repr(zendesk.signer("app_1")).endswith(", key_id='app_1')")
    assert repr(keyring) == (
        f"Keyring(scheme='intercom', keys={{'web': {web!r}, 'ios': {keyring.fingerprint('ios')!r}}})"
    )
    verifier = userhash.Verifier(keyring)
    assert repr(verifier) == "Verifier(scheme='intercom')"
    assert repr(userhash.Gate(verifier, userhash.Enforcement.REPORT)) == (
        "Gate(enforcement=Enforcement.REPORT)"
    )
    assert "s3cret" not in repr(signer) + repr(keyring)

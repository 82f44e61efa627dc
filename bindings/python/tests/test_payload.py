"""The config file and the payload through the installed wheel: the shared payload vectors
(testdata/vectors/payload.json, each config written to disk and loaded as a user's would be),
the builder, and typed errors that never carry a secret.

Format: testdata/vectors/README.md ("Payload file"); reference runner:
crates/userhash-config/tests/payload_vectors.rs.
"""

from __future__ import annotations

import json
import os
import threading
from pathlib import Path
from typing import Any, Optional

import pytest

import userhash
from userhash import (
    Attributes,
    Config,
    ConfigBuilder,
    Identity,
    UserHashError,
    VendorFailures,
)

VECTORS = json.loads(
    (Path(__file__).resolve().parents[3] / "testdata" / "vectors" / "payload.json").read_text(
        encoding="utf-8"
    )
)
CASES = VECTORS["payload"]
Case = dict[str, Any]


def code_of(error: UserHashError) -> str:
    return userhash.error_code_name(userhash.error_code(error))


def write_config(directory: Path, name: str) -> Path:
    """The named config as `userhash.toml` with its secret files beside it, owner-only."""
    config = VECTORS["configs"][name]
    for relative, secret in config["secret_files"].items():
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(secret, encoding="utf-8")
        os.chmod(path, 0o600)
    path = directory / "userhash.toml"
    path.write_text(config["toml"], encoding="utf-8")
    return path


def attributes(case: Case) -> Optional[Attributes]:
    given = case["attributes"]
    if given is None:
        return None
    return Attributes(
        name=given.get("name"),
        email_verified=given.get("email_verified"),
        account_id=given.get("account_id"),
        nonce=given.get("nonce"),
        expires_in=given.get("expires_in"),
        extra_claims=given.get("extra_claims"),
    )


def run(case: Case, path: Path, failures: VendorFailures) -> object:
    config = Config.load(str(path))
    if case["operation"] == "keyring":
        return config.keyring(case["app"], case["environment"], case["vendor"]).labels()
    signer = config.payload_signer(case["app"], case["environment"])
    return signer.payload(
        Identity(user_id=case["user_id"], email=case["email"]),
        case["platform"],
        attributes=attributes(case),
        at=case["at"],
        failures=failures,
    )


def test_the_vectors_are_there() -> None:
    assert len(CASES) >= 25


@pytest.mark.parametrize("case", CASES, ids=[case["id"] for case in CASES])
def test_payload_vector(case: Case, tmp_path: Path) -> None:
    path = write_config(tmp_path, case["config"])
    expected = case["expected"]
    secrets = [s for s in VECTORS["configs"][case["config"]]["secret_files"].values() if s]
    if expected["error"] is not None:
        with pytest.raises(UserHashError) as raised:
            run(case, path, VendorFailures.REPORT)
        assert code_of(raised.value) == expected["error"]
        assert not any(secret in str(raised.value) for secret in secrets)
        return
    result = run(case, path, VendorFailures.REPORT)
    if case["operation"] == "keyring":
        assert result == expected["labels"]
        return
    assert isinstance(result, userhash.Payload)
    assert result.to_json() == expected["json"]  # the same bytes as every language
    assert result.is_complete() == expected["complete"]
    assert [entry.vendor for entry in result.entries()] == list(json.loads(expected["json"]))
    if expected["raises"] is None:
        run(case, path, VendorFailures.RAISE)
    else:
        with pytest.raises(UserHashError) as raised:
            run(case, path, VendorFailures.RAISE)
        assert code_of(raised.value) == expected["raises"]


ACME = """
[apps.acme.production.vendors.intercom]
scheme = "intercom"
keys.web = { env = "PAYLOAD_TEST_INTERCOM_WEB" }
keys.ios = { env = "PAYLOAD_TEST_INTERCOM_IOS" }

[apps.acme.production.vendors.zendesk]
scheme = "zendesk"
all_platforms = "messaging"
keys.messaging = { env = "PAYLOAD_TEST_ZENDESK", key_id = "app_64b6d9f0d7ab2e0001cd4e34" }

[apps.acme.production.vendors.crisp]
scheme = "crisp"
all_platforms = "website"
keys.website = { env = "PAYLOAD_TEST_CRISP" }
"""
SECRETS = {
    "PAYLOAD_TEST_INTERCOM_WEB": "py-intercom-web-do-not-print",
    "PAYLOAD_TEST_INTERCOM_IOS": "py-intercom-ios-do-not-print",
    "PAYLOAD_TEST_ZENDESK": "py-zendesk-do-not-print",
    "PAYLOAD_TEST_CRISP": "py-crisp-do-not-print",
}
ADA = Identity(user_id="42", email="ada@example.com")


@pytest.fixture
def env(monkeypatch: pytest.MonkeyPatch) -> None:
    for name, value in SECRETS.items():
        monkeypatch.setenv(name, value)


def test_every_preset_names_its_payload_key() -> None:
    keys = {info.name: info.preset.payload_key for info in userhash.presets() if info.preset}
    assert keys["intercom"] == "user_hash" and keys["zendesk"] == "jwt"
    assert keys["intercom-jwt"] == "intercom_user_jwt" and keys["crisp"] == "signature"
    assert len(keys) == len(userhash.preset_names())


def test_environment_variables_are_read_as_the_cli_reads_them(env: None) -> None:
    config = Config.parse(ACME)
    assert config.app_names() == ["acme"]
    assert config.environment_names("acme") == ["production"]
    assert config.vendor_names("acme", "production") == ["intercom", "zendesk", "crisp"]
    signer = config.payload_signer("acme", "production")
    assert signer.vendors() == ["intercom", "zendesk", "crisp"]
    assert signer.platforms() == ["web", "ios"]
    payload = signer.payload(ADA, "ios", at=1_760_000_000)
    intercom = payload.entry("intercom")
    assert intercom.payload_key == "user_hash" and intercom.user_id == "42"
    # The iOS key, never the web key.
    ios = userhash.Signer(userhash.Scheme.by_name("intercom"), SECRETS["PAYLOAD_TEST_INTERCOM_IOS"])
    assert payload.token("intercom") == ios.sign(ADA)
    assert payload.payload_key("zendesk") == "jwt"
    assert json.loads(payload.to_json())["crisp"]["email"] == "ada@example.com"
    # A vendor's keyring verifies what the payload signed; the Zendesk key is labelled by its id.
    verifier = config.verifier("acme", "production", "zendesk")
    assert verifier.verify_at(ADA, payload.token("zendesk"), 1_760_000_060).label == (
        "app_64b6d9f0d7ab2e0001cd4e34"
    )
    with pytest.raises(UserHashError.ConfigUnknownVendor):
        payload.entry("pylon")


def test_the_builder_makes_the_same_payload(env: None) -> None:
    built = (
        ConfigBuilder()
        .vendor("acme", "production", "intercom", "intercom")
        .key_secret("web", SECRETS["PAYLOAD_TEST_INTERCOM_WEB"])
        .key_secret("ios", SECRETS["PAYLOAD_TEST_INTERCOM_IOS"])
        .vendor("acme", "production", "zendesk", "zendesk")
        .key_env("messaging", "PAYLOAD_TEST_ZENDESK")
        .key_id("messaging", "app_64b6d9f0d7ab2e0001cd4e34")
        .all_platforms("messaging")
        .vendor("acme", "production", "crisp", "crisp")
        .key_secret("website", SECRETS["PAYLOAD_TEST_CRISP"])
        .all_platforms("website")
        .build()
    )
    for platform in ("web", "ios"):
        from_file = Config.parse(ACME).payload_signer("acme", "production").payload(
            ADA, platform, at=1_760_000_000
        )
        from_builder = built.payload_signer("acme", "production").payload(
            ADA, platform, at=1_760_000_000
        )
        assert from_builder.to_json() == from_file.to_json()
    assert not any(secret in repr(built) for secret in SECRETS.values())
    with pytest.raises(TypeError):
        __import__("pickle").dumps(ConfigBuilder().key_secret("web", "x"))


@pytest.mark.parametrize(
    "make, variant",
    [
        (lambda: Config.load("/nonexistent/userhash.toml"), UserHashError.ConfigUnreadable),
        (lambda: Config.parse("[apps.a.b]\nscheme = 'intercom'\nkeys.web = { evn = 'X' }"),
         UserHashError.ConfigInvalid),
        (lambda: Config.parse(ACME).payload_signer("nope", "production"),
         UserHashError.ConfigUnknownApp),
        (lambda: Config.parse(ACME).payload_signer("acme", "staging"),
         UserHashError.ConfigUnknownEnvironment),
        (lambda: Config.parse(ACME).keyring("acme", "production"),
         UserHashError.ConfigUnknownVendor),
        (lambda: Config.parse(ACME.split("[apps.acme.production.vendors.zendesk]")[0])
         .payload_signer("acme", "production").payload(ADA, "tv"),
         UserHashError.ConfigUnknownPlatform),
        (lambda: ConfigBuilder().vendor("a", "b", "hash", "intercom").key_env("web", "X")
         .vendor("a", "b", "jwt", "intercom-jwt").key_env("web", "X").build(),
         UserHashError.ConfigSharedKey),
        (lambda: Config.parse(ACME.replace("PAYLOAD_TEST_CRISP", "PAYLOAD_TEST_UNSET"))
         .payload_signer("acme", "production"), UserHashError.SecretUnavailable),
        (lambda: ConfigBuilder().key_env("web", "X").build(), UserHashError.ConfigInvalid),
        (lambda: Config.parse(ACME).payload_signer("acme", "production").payload(
            Identity(user_id="42"), "web", failures=VendorFailures.RAISE),
         UserHashError.MissingField),
    ],
)
def test_errors_are_typed_and_never_hold_a_secret(env: None, make: Any, variant: type) -> None:
    with pytest.raises(variant) as raised:
        make()
    error = raised.value
    assert type(error) is variant
    for text in (str(error), repr(error)):
        assert not any(secret in text for secret in SECRETS.values())


def test_one_signer_shared_by_threads(env: None) -> None:
    signer = Config.parse(ACME).payload_signer("acme", "production")
    expected = [
        signer.payload(Identity(user_id=str(n), email=f"u{n}@example.com"), "web", at=7).to_json()
        for n in range(200)
    ]
    results: list[list[str]] = [[] for _ in range(4)]

    def work(slot: int) -> None:
        results[slot] = [
            signer.payload(Identity(user_id=str(n), email=f"u{n}@example.com"), "web", at=7)
            .to_json()
            for n in range(200)
        ]

    threads = [threading.Thread(target=work, args=(slot,)) for slot in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(result == expected for result in results)

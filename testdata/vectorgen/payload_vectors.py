"""payload.json: configs with several vendors and the exact payload JSON for each identity and
platform, and the file set `generate_payload_vectors.py` writes."""

from . import output
from .output import render
from .payload_model import (
    ACME,
    AT,
    BROKEN_SECRETS,
    CONTRADICTION,
    Failure,
    INVALID_TEXTS,
    MIGRATION,
    MIXED,
    check_references,
    payload,
    render_config,
    resolve,
    shared_config,
    vendors_of,
)


GENERATOR = "testdata/generate_payload_vectors.py"
SOURCE = "computed: Python hmac + PyJWT (testdata/generate_payload_vectors.py)"


IDS = set()


def case_id(name):
    full = f"payload-{name}"
    assert full not in IDS, full
    IDS.add(full)
    return full


def payload_case(name, config_name, config, app, env, platform, user_id, email,
                 attributes=None, why=""):
    case = {"id": case_id(name), "source": SOURCE, "why": why, "operation": "payload",
            "config": config_name, "app": app, "environment": env, "vendor": None,
            "platform": platform, "user_id": user_id, "email": email,
            "attributes": attributes, "at": AT}
    try:
        text, complete, first = payload(config, app, env, platform, user_id, email, attributes)
        case["expected"] = {"json": text, "complete": complete, "raises": first, "error": None}
    except Failure as failure:
        case["expected"] = {"json": None, "complete": None, "raises": None, "error": failure.code}
    return case


def keyring_case(name, config_name, config, app, env, vendor_name, why=""):
    case = {"id": case_id(name), "source": SOURCE, "why": why, "operation": "keyring",
            "config": config_name, "app": app, "environment": env, "vendor": vendor_name,
            "platform": None, "user_id": None, "email": None, "attributes": None, "at": None}
    try:
        check_references(config)
        if (app, env) not in config["environments"]:
            raise Failure("config_unknown_environment")
        vendors = vendors_of(config, app, env)
        if vendor_name is None and len(vendors) != 1:
            raise Failure("config_unknown_vendor")
        chosen = vendors[vendor_name] if vendor_name else next(iter(vendors.values()))
        if vendor_name is not None and vendor_name not in vendors:
            raise Failure("config_unknown_vendor")
        resolve(config, app, env)
        labels = [key_id or label for label, _, key_id in chosen["keys"]]
        case["expected"] = {"labels": labels, "error": None}
    except (Failure, KeyError) as failure:
        code = failure.code if isinstance(failure, Failure) else "config_unknown_vendor"
        case["expected"] = {"labels": None, "error": code}
    return case


def text_case(name, why):
    text, _ = INVALID_TEXTS[name]
    return {"id": case_id(f"invalid-{name}"), "source": "written: the format's rules (testdata/generate_payload_vectors.py)",
            "why": why, "operation": "payload", "config": f"invalid-{name}", "app": "a",
            "environment": "b", "vendor": None, "platform": "web", "user_id": "42",
            "email": None, "attributes": None, "at": AT,
            "expected": {"json": None, "complete": None, "raises": None, "error": "config_invalid"}}


def all_cases():
    configs = {
        "acme": ACME, "mixed": MIXED, "migration": MIGRATION,
        "shared-file": shared_config(True), "shared-secret": shared_config(False),
        "broken-secrets": BROKEN_SECRETS, "contradiction": CONTRADICTION,
    }
    rendered = {name: {"toml": render_config(c), "secret_files": c["secrets"]}
                for name, c in configs.items()}
    for name, (text, _) in INVALID_TEXTS.items():
        rendered[f"invalid-{name}"] = {"toml": text, "secret_files": {"k": "demo_k_1a2b3c"}}

    ada = ("42", "ada@example.com")
    cases = [
        payload_case("acme-web", "acme", ACME, "acme", "production", "web", *ada,
                     why="Intercom with the web key, Zendesk and Crisp with their one key each."),
        payload_case("acme-ios", "acme", ACME, "acme", "production", "ios", *ada,
                     why="The iOS app gets the iOS key's Intercom hash, never the web key's."),
        payload_case("acme-android-attributes", "acme", ACME, "acme", "production", "android", *ada,
                     attributes={"name": "Ada Lovelace", "email_verified": True, "nonce": "n-1"},
                     why="Zendesk takes name and email_verified; no vendor here reads a nonce."),
        payload_case("acme-ios-no-email", "acme", ACME, "acme", "production", "ios", "42", None,
                     why="Crisp signs the email: without one it fails in its slot, the others sign."),
        payload_case("acme-email-only", "acme", ACME, "acme", "production", "web", None, "ada@example.com",
                     why="Intercom signs the email when there is no user id; Zendesk needs the user id."),
        payload_case("acme-desktop", "acme", ACME, "acme", "production", "desktop", *ada,
                     why="A platform Intercom has no key for fails in Intercom's slot only."),
        payload_case("acme-json-escapes", "acme", ACME, "acme", "production", "web",
                     "o\"brien\\7\n", "zoë+東京@example.com",
                     why="Identity text is written into the JSON escaped the one way every language agrees on."),
        payload_case("single-scheme-web", "acme", ACME, "acme", "test", "web", *ada,
                     why="The single-scheme form is one vendor named after its scheme."),
        payload_case("single-scheme-unknown-platform", "acme", ACME, "acme", "test", "ios", *ada,
                     why="No vendor has a key for the platform: raised, not a payload."),
        payload_case("mixed-web", "mixed", MIXED, "shop", "production", "web",
                     "id-c5c178f6", "ada@example.com",
                     attributes={"nonce": "3f1c9a", "account_id": "acme",
                                 "extra_claims": "{\"companies\":[{\"id\":\"acme\"}]}"},
                     why="Timestamped, concatenated base64, hex-key, nonce-bearing and custom schemes side by side."),
        payload_case("mixed-no-nonce", "mixed", MIXED, "shop", "production", "web",
                     "id-c5c178f6", "ada@example.com",
                     why="Pendo requires a nonce: its slot fails, every other vendor signs."),
        payload_case("migration-ordinary-id", "migration", MIGRATION, "acme", "production", "web",
                     "john.doe", None,
                     why="Opted in to one key for hash and JWT: ordinary ids sign under both."),
        payload_case("migration-jwt-signing-input", "migration", MIGRATION, "acme", "production", "web",
                     "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJ1c2VyX2lkIjoidmljdGltIn0", None,
                     why="An id that is a JWT signing input: the shared key's hash signer refuses it."),
        payload_case("shared-key-by-file", "shared-file", shared_config(True), "acme", "production", "web",
                     *ada, why="One secret file for a hash and a JWT, in different apps: refused."),
        payload_case("shared-key-by-secret", "shared-secret", shared_config(False), "acme", "production", "web",
                     *ada, why="Two files holding the same secret for a hash and a JWT: refused."),
        payload_case("empty-secret", "broken-secrets", BROKEN_SECRETS, "acme", "empty", "web", *ada,
                     why="A vendor with no usable key makes the environment unusable."),
        payload_case("secret-not-hex", "broken-secrets", BROKEN_SECRETS, "acme", "not-hex", "web", *ada,
                     why="Pylon hex-decodes its secret."),
        payload_case("secret-file-missing", "broken-secrets", BROKEN_SECRETS, "acme", "missing", "web", *ada,
                     why="A secret file that does not exist names the file, never a value."),
        payload_case("unknown-app", "acme", ACME, "nope", "production", "web", *ada,
                     why="An app the file does not have."),
        payload_case("unknown-environment", "acme", ACME, "acme", "staging", "web", *ada,
                     why="An environment the app does not have."),
        payload_case("all-platforms-contradiction", "contradiction", CONTRADICTION, "acme", "production",
                     "ios", *ada,
                     why="A vendor with one key for all platforms and an iOS key: iOS must not sign with the web key."),
        payload_case("all-platforms-named-key", "contradiction", CONTRADICTION, "acme", "production",
                     "web", *ada, why="The platform all_platforms names signs as usual."),
        keyring_case("keyring-vendor", "acme", ACME, "acme", "production", "intercom",
                     why="One vendor's keyring, labels in file order."),
        keyring_case("keyring-key-id", "acme", ACME, "acme", "production", "zendesk",
                     why="A key with a key id is labelled by it, so a verifier finds it by the JWT's kid."),
        keyring_case("keyring-several-vendors", "acme", ACME, "acme", "production", None,
                     why="Several vendors and none named."),
        keyring_case("keyring-unknown-vendor", "acme", ACME, "acme", "production", "nope",
                     why="A vendor the environment does not have."),
        keyring_case("keyring-single-scheme", "acme", ACME, "acme", "test", None,
                     why="The single-scheme form needs no vendor name."),
    ]
    for name, (_, why) in INVALID_TEXTS.items():
        cases.append(text_case(name, why))
    return rendered, cases


def render_payload():
    configs, cases = all_cases()
    document = {
        "about": "Payloads: several vendors per environment, per-platform keys, all_platforms, "
                 "failing vendors, shared hash/JWT keys, config errors.",
        "generator": GENERATOR,
        "sign": [], "verify": [], "errors": [], "explain": [], "gate": [],
        "configs": configs,
        "payload": cases,
    }
    return {"payload.json": render(document)}


def main(description):
    return output.main(description, GENERATOR, render_payload)

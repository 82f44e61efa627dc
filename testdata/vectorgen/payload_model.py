"""The payload, modelled in plain Python: configs written as data and rendered to TOML, which
key serves which platform, the fields a hash is sent with, the attributes each JWT vendor
takes; hashes by the hash model and JWTs by PyJWT through the JWT model."""

import json

from . import hash_model as hashes, jwt_model as jwts


AT = 1_760_000_000
# The client parameter each preset's token goes under (userhash's `payload_key`), written out
# again from the vendors' docs rather than read from the Rust catalogue.
PAYLOAD_KEYS = {
    "intercom": "user_hash", "helpshift": "user_auth_token", "jimo": "signature",
    "crisp": "signature", "pylon": "email_hash", "intercom-jwt": "intercom_user_jwt",
    "zendesk": "jwt", "featurebase": "jwtToken", "pendo": "jwt",
}
CUSTOM_PAYLOAD_KEY = "token"
# Which attributes a JWT vendor has a claim for (expires_in and extra_claims go to every JWT).
CLAIMED = ("name", "email_verified", "account_id", "nonce")


class Failure(Exception):
    """A vendor (or the whole payload) cannot be signed; `code` is the error code."""

    def __init__(self, code):
        super().__init__(code)
        self.code = code


def vendor(scheme, keys, all_platforms=None, payload_key=None):
    """keys: [(label, file, key_id or None)]."""
    return {"scheme": scheme, "keys": keys, "all_platforms": all_platforms,
            "payload_key": payload_key}


def toml_string(text):
    return json.dumps(text, ensure_ascii=False)  # a TOML basic string for these values


def render_vendor(table, v):
    lines = [f"[{table}]", f"scheme = {toml_string(v['scheme'])}"]
    if v["all_platforms"] is not None:
        lines.append(f"all_platforms = {toml_string(v['all_platforms'])}")
    if v["payload_key"] is not None:
        lines.append(f"payload_key = {toml_string(v['payload_key'])}")
    for label, file, key_id in v["keys"]:
        kid = f", key_id = {toml_string(key_id)}" if key_id else ""
        lines.append(f"keys.{label} = {{ file = {toml_string(file)}{kid} }}")
    return "\n".join(lines) + "\n"


def render_config(config):
    parts = []
    if config.get("share_keys"):
        parts.append("dangerously_share_hash_and_jwt_keys = true\n")
    for (app, env), env_config in config["environments"].items():
        if "single" in env_config:
            parts.append(render_vendor(f"apps.{app}.{env}", env_config["single"]))
        else:
            for name, v in env_config["vendors"].items():
                parts.append(render_vendor(f"apps.{app}.{env}.vendors.{name}", v))
    return "\n".join(parts)


def vendors_of(config, app, env):
    env_config = config["environments"][(app, env)]
    if "single" in env_config:
        single = env_config["single"]
        return {single["scheme"]: single}
    return env_config["vendors"]


ACME = {
    "environments": {
        ("acme", "production"): {"vendors": {
            "intercom": vendor("intercom", [
                ("web", "secrets/intercom-web", None),
                ("ios", "secrets/intercom-ios", None),
                ("android", "secrets/intercom-android", None),
            ]),
            "zendesk": vendor("zendesk", [
                ("messaging", "secrets/zendesk", "app_64b6d9f0d7ab2e0001cd4e34"),
            ], all_platforms="messaging"),
            "crisp": vendor("crisp", [("website", "secrets/crisp", None)],
                            all_platforms="website"),
        }},
        ("acme", "test"): {"single": vendor("intercom", [("web", "secrets/intercom-test", None)])},
    },
    "secrets": {
        "secrets/intercom-web": "demo_intercom_web_3f9a1c7e5b2d8046",
        "secrets/intercom-ios": "demo_intercom_ios_8c2e6a0f4d1b9375",
        "secrets/intercom-android": "demo_intercom_android_5d7b3f1a9e2c6048",
        "secrets/zendesk": "demo_zendesk_messaging_Q4w8Er2tY6uI0oP3",
        "secrets/crisp": "demo_crisp_website_7a1c5e9b3d2f6084",
        "secrets/intercom-test": "demo_intercom_test_1b4d7f0a3c6e9258",
    },
}

MIXED = {
    "environments": {
        ("shop", "production"): {"vendors": {
            "jimo": vendor("jimo", [("web", "secrets/jimo", None)]),
            "helpshift": vendor("helpshift", [("web", "secrets/helpshift", None)]),
            "pylon": vendor("pylon", [("web", "secrets/pylon", None)]),
            "pendo": vendor("pendo", [("web", "secrets/pendo", None)]),
            "featurebase": vendor("featurebase", [("web", "secrets/featurebase", None)]),
            "support": vendor("subject=email,output=base64", [("web", "secrets/support", None)],
                              payload_key="supportHash"),
        }},
    },
    "secrets": {
        "secrets/jimo": "a6c93e058a4ab236449bd321002352483a85138489d2ee4fb2eaa4cfd3ab2ba8",
        "secrets/helpshift": "demo_helpshift_2c8e4a6f0b1d3957",
        # Pylon hex-decodes its secret.
        "secrets/pylon": "9f3a5c7e1b2d4f6a8c0e1d3b5f7a9c2e",
        "secrets/pendo": "demo_pendo_signing_key_6e2a8c4f0b3d1957",
        "secrets/featurebase": "demo_featurebase_jwt_4b8d2f6a0c1e3957",
        "secrets/support": "demo_support_7e3a9c5f1b0d2468",
    },
}

# During a migration from Intercom's hash to its JWT, one secret for both, opted in loudly.
MIGRATION = {
    "share_keys": True,
    "environments": {
        ("acme", "production"): {"vendors": {
            "intercom": vendor("intercom", [("web", "secrets/intercom", None)]),
            "messenger": vendor("intercom-jwt", [("web", "secrets/intercom", None)]),
        }},
    },
    "secrets": {"secrets/intercom": "demo_intercom_shared_during_migration_5a1e"},
}


def shared_config(same_file):
    jwt_file = "secrets/hash" if same_file else "secrets/jwt"
    return {
        "environments": {
            ("legacy", "production"): {"single": vendor("intercom", [("web", "secrets/hash", None)])},
            ("acme", "production"): {"vendors": {
                "messenger": vendor("intercom-jwt", [("web", jwt_file, None)]),
                "crisp": vendor("crisp", [("web", "secrets/crisp", None)]),
            }},
        },
        "secrets": {
            "secrets/hash": "demo_one_secret_for_hash_and_jwt_8f2c",
            "secrets/jwt": "demo_one_secret_for_hash_and_jwt_8f2c",
            "secrets/crisp": "demo_crisp_7a1c5e9b3d2f6084",
        },
    }


BROKEN_SECRETS = {
    "environments": {
        ("acme", "empty"): {"vendors": {
            "intercom": vendor("intercom", [("web", "secrets/intercom", None)]),
            "crisp": vendor("crisp", [("web", "secrets/empty", None)]),
        }},
        ("acme", "not-hex"): {"vendors": {
            "pylon": vendor("pylon", [("web", "secrets/not-hex", None)]),
        }},
        ("acme", "missing"): {"vendors": {
            "intercom": vendor("intercom", [("web", "secrets/intercom", None)]),
            "crisp": vendor("crisp", [("web", "secrets/not-there", None)]),
        }},
    },
    "secrets": {
        "secrets/intercom": "demo_intercom_web_3f9a1c7e5b2d8046",
        "secrets/empty": "",
        "secrets/not-hex": "demo-not-hex-secret",
    },
}

CONTRADICTION = {
    "environments": {
        ("acme", "production"): {"vendors": {
            "intercom": vendor("intercom", [("web", "secrets/w", None), ("ios", "secrets/i", None)]),
            "crisp": vendor("crisp", [("web", "secrets/c", None), ("ios", "secrets/ci", None)],
                            all_platforms="web"),
        }},
    },
    "secrets": {"secrets/w": "demo_w_1a2b3c", "secrets/i": "demo_i_4d5e6f",
                "secrets/c": "demo_c_7a8b9c", "secrets/ci": "demo_ci_0d1e2f"},
}

# Text the model does not parse: what the format refuses, with the code it must give.
INVALID_TEXTS = {
    "duplicate-vendor": (
        '[apps.a.b.vendors.intercom]\nscheme = "intercom"\nkeys.web = { file = "k" }\n\n'
        '[apps.a.b.vendors.intercom]\nscheme = "crisp"\nkeys.web = { file = "k" }\n',
        "TOML refuses a table defined twice: two vendors cannot share a name",
    ),
    "vendor-field-beside-vendors": (
        '[apps.a.b]\nscheme = "intercom"\n\n[apps.a.b.vendors.crisp]\nscheme = "crisp"\n'
        'keys.web = { file = "k" }\n',
        "an environment is either one vendor's scheme and keys, or vendors.<vendor> tables",
    ),
    "all-platforms-names-no-key": (
        '[apps.a.b.vendors.crisp]\nscheme = "crisp"\nall_platforms = "website"\n'
        'keys.web = { file = "k" }\n',
        "all_platforms must name one of the vendor's keys",
    ),
    "key-id-on-a-hash": (
        '[apps.a.b.vendors.intercom]\nscheme = "intercom"\nkeys.web = { file = "k", key_id = "kid-1" }\n',
        "a hash carries no key id",
    ),
}


def read_secret(config, file):
    if file not in config["secrets"]:
        raise Failure("secret_unavailable")
    return config["secrets"][file]


def key_bytes(scheme_text, secret):
    return hashes.make_key(hashes.parse_scheme(jwt_model_scheme(scheme_text)), secret)


def jwt_model_scheme(scheme_text):
    """The hash-model scheme with the same subject and key encoding (for JWT presets too)."""
    subjects = {"intercom-jwt": "user_id", "zendesk": "user_id", "featurebase": "user_id_else_email",
                "pendo": "user_id", "freshchat": "user_id"}
    if scheme_text in subjects:
        return f"subject={subjects[scheme_text]}"
    return scheme_text.replace(",output=jwt", "")


def is_jwt(scheme_text):
    return scheme_text in jwts.LAYOUTS


def check_references(config):
    """At parse time: one secret file named for a hash scheme and a JWT scheme (unless opted in)."""
    if config.get("share_keys"):
        return
    seen = []  # (file, is_jwt)
    for (app, env) in config["environments"]:
        for v in vendors_of(config, app, env).values():
            for _, file, _ in v["keys"]:
                if any(f == file and j != is_jwt(v["scheme"]) for f, j in seen):
                    raise Failure("config_shared_key")
                seen.append((file, is_jwt(v["scheme"])))


def resolve(config, app, env):
    """The vendors of an environment with their keys decoded, in file order."""
    if (app, env) not in config["environments"]:
        apps = {a for a, _ in config["environments"]}
        raise Failure("config_unknown_environment" if app in apps else "config_unknown_app")
    resolved = {}
    for name, v in vendors_of(config, app, env).items():
        keys = {}
        for label, file, key_id in v["keys"]:
            try:
                keys[label] = (key_bytes(v["scheme"], read_secret(config, file)), key_id)
            except hashes.UserhashError as error:
                raise Failure(error.code) from None
        resolved[name] = (v, keys)
    # Secrets shared by a hash and a JWT anywhere in the file (every secret is readable here).
    if not config.get("share_keys"):
        seen = []
        for (a, e) in config["environments"]:
            for v in vendors_of(config, a, e).values():
                for _, file, _ in v["keys"]:
                    if file not in config["secrets"]:
                        continue
                    try:
                        key = key_bytes(v["scheme"], config["secrets"][file])
                    except hashes.UserhashError:
                        continue
                    if any(k == key and j != is_jwt(v["scheme"]) for k, j in seen):
                        raise Failure("config_shared_key")
                    seen.append((key, is_jwt(v["scheme"])))
    return resolved


def is_jwt_signing_input(message):
    """Before the first '.', base64url of a JSON object with an "alg" member."""
    if "." not in message:
        return False
    head = message.split(".", 1)[0].rstrip("=")
    try:
        decoded = json.loads(jwts.base64.urlsafe_b64decode(head + "=" * (-len(head) % 4)))
    except ValueError:
        return False
    return isinstance(decoded, dict) and "alg" in decoded


def sign_vendor(config, v, keys, user_id, email, platform, attributes):
    shared = v["all_platforms"]
    if shared is not None and shared != platform and platform in keys:
        raise Failure("config_invalid")
    label = shared if shared is not None else platform
    if label not in keys:
        raise Failure("config_unknown_platform")
    key, key_id = keys[label]
    scheme = v["scheme"]
    payload_key = v["payload_key"] or PAYLOAD_KEYS.get(scheme, CUSTOM_PAYLOAD_KEY)
    try:
        fields = hashes.subject_fields(hashes.parse_scheme(jwt_model_scheme(scheme)), user_id, email)
    except hashes.UserhashError as error:
        raise Failure(error.code) from None
    if is_jwt(scheme):
        layout = jwts.LAYOUTS[scheme]
        given = dict(attributes or {})
        taken = {k: given[k] for k in CLAIMED if k in given and k in layout}
        taken.update({k: given[k] for k in ("expires_in", "extra_claims") if k in given})
        if layout.get("nonce_required") and "nonce" not in taken:
            raise Failure("missing_claim")
        kid = key_id if key_id is not None else (label if layout.get("kid") else None)
        claims = jwts.claims_for(scheme, user_id, email, taken, AT)
        return {payload_key: jwts.pyjwt_sign(key, claims, kid)}
    message = hashes.join_fields(fields)
    if config.get("share_keys") and is_jwt_signing_input(message.decode("utf-8")):
        raise Failure("jwt_signing_input")
    parsed = hashes.parse_scheme(scheme)
    ts = AT if parsed.timestamp == "suffix" else None
    token = hashes.render_token(parsed, hashes.hmac_sha256(key, hashes.with_timestamp(message, ts)), ts)
    return {**dict(fields), payload_key: token}


def payload(config, app, env, platform, user_id, email, attributes):
    """(json text, complete, the first failing vendor's code or None)."""
    check_references(config)
    resolved = resolve(config, app, env)
    platforms = {label for v, keys in resolved.values() if v["all_platforms"] is None for label in keys}
    if platform not in platforms and all(v["all_platforms"] is None for v, _ in resolved.values()):
        raise Failure("config_unknown_platform")
    out, first = {}, None
    for name, (v, keys) in resolved.items():
        try:
            out[name] = sign_vendor(config, v, keys, user_id, email, platform, attributes)
        except Failure as failure:
            out[name] = {"error": failure.code}
            first = first or failure.code
    text = json.dumps(out, ensure_ascii=False, separators=(",", ":"))
    return text, first is None, first

"""The hash vector files (testdata/vectors/*.json but the JWT and payload files, and
packed/lane-v1.json): every file, the coverage check, and the file set `generate_vectors.py`
writes."""

from . import output
from .output import render
from .hash_model import PRESETS
from .hash_cases import GENERATOR
from .hash_files_presets import custom_file, known_answers_file, preset_file
from .hash_files_keyring import errors_file, keyring_file
from .hash_files_explain import explain_file
from .hash_files_inputs import freshness_file, gate_file, limits_file, unicode_file
from .packed import PACKED_NAME, packed_file


def preset_files():
    return [preset_file(name) for name in PRESETS]


def all_files():
    files = preset_files() + [
        custom_file(), keyring_file(), known_answers_file(), errors_file(), explain_file(),
        unicode_file(), limits_file(), freshness_file(), gate_file(),
    ]
    check_coverage(files)
    return files


# --- coverage checks (fail the generator if a required topic is missing) ------

ERROR_CODES = [
    "unknown_scheme", "invalid_scheme", "empty_secret", "invalid_hex_secret", "unidentified",
    "missing_field", "empty_field", "identifier_too_long", "timestamp_not_applicable",
    "invalid_label", "duplicate_label", "unknown_label", "empty_keyring", "invalid_freshness",
]
REJECTION_CODES = ["malformed_token", "missing_timestamp", "mismatch", "expired",
                   "from_the_future"]
CAUSE_CODES = [
    "wrong_key", "email_instead_of_user_id", "user_id_instead_of_email",
    "concatenation_missing", "unexpected_concatenation", "fields_swapped",
    "surrounding_whitespace", "email_case", "unicode_normalization", "numeric_id_format",
    "text_encoding", "secret_hex_decoded", "secret_used_as_text", "key_message_swapped",
    "uppercase_hex", "base64_instead_of_hex", "hex_instead_of_base64", "stale_timestamp",
    "future_timestamp", "milliseconds_timestamp", "timestamp_missing", "ambiguous_concatenation",
]


def check_coverage(files):
    errors = {c["error"] for f in files for c in f.errors}
    rejections = {c["expected"].get("error") for f in files for c in f.verify}
    causes = {x for f in files for c in f.explain for x in c["expected"]["includes"]}
    by_name = {f.name: f for f in files}
    assert set(ERROR_CODES) <= {c["error"] for c in by_name["errors.json"].errors} | \
        {c["error"] for c in by_name["keyring.json"].errors} | \
        {c["error"] for c in by_name["freshness.json"].errors}, "input error code missing"
    assert set(ERROR_CODES) <= errors
    assert errors <= set(ERROR_CODES), errors - set(ERROR_CODES)
    assert set(REJECTION_CODES) <= rejections, set(REJECTION_CODES) - rejections
    assert set(CAUSE_CODES) == causes, set(CAUSE_CODES) ^ causes
    for name in PRESETS:
        assert f"{name}.json" in by_name


def files():
    """Every file of the set, rendered."""
    rendered = {vector_file.name: render(vector_file.to_json()) for vector_file in all_files()}
    rendered[f"packed/{PACKED_NAME}"] = render(packed_file())
    return rendered


def main(description):
    return output.main(description, GENERATOR, files)

"""The shared conformance vectors (testdata/vectors/*.json), every file and every case.

The format is documented in testdata/vectors/README.md. A test that takes a fixture named
``<section>_case`` (``sign_case``, ``verify_case``, ``errors_case``, ``explain_case``,
``gate_case``) runs once
per case of that section, as ``(file name, case)``, with the case ``id`` as its pytest id.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any, Iterator

import pytest

VECTORS = Path(__file__).resolve().parents[3] / "testdata" / "vectors"
SECTIONS = ("sign", "verify", "errors", "explain", "gate")
# USERHASH_VECTORS_SUBSET=smoke (the aarch64 wheel under qemu in `cargo xtask test`): from every
# file, the first case of each section, and every error case.
SMOKE = os.environ.get("USERHASH_VECTORS_SUBSET") == "smoke"
# An empty parametrization is skipped silently; a loader that finds too few cases fails instead.
AT_LEAST = {"sign": 100, "verify": 100, "errors": 50, "explain": 20, "gate": 50}


def cases(section: str) -> Iterator[tuple[str, dict[str, Any]]]:
    """Every case of `section` in every vector file, in file order."""
    files = sorted(VECTORS.glob("*.json"))
    assert len(files) >= 20, f"expected the vector files in {VECTORS}, found {len(files)}"
    for path in files:
        # json keeps strings byte-exact (no normalisation) and ints arbitrary-precision (u64 safe).
        doc = json.loads(path.read_text(encoding="utf-8"))
        assert set(doc) >= set(SECTIONS), f"{path.name}: missing a section"
        chosen = doc[section][:1] if SMOKE and section != "errors" else doc[section]
        for case in chosen:
            yield path.name, case


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    for section in SECTIONS:
        fixture = f"{section}_case"
        if fixture in metafunc.fixturenames:
            params = list(cases(section))
            least = 0 if SMOKE else AT_LEAST[section]
            assert len(params) > least, f"only {len(params)} {section} cases"
            metafunc.parametrize(fixture, params, ids=[case["id"] for _, case in params])

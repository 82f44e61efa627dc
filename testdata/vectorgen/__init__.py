"""The generators of the conformance vectors (testdata/vectors/), as one package.

Each model is an independent implementation in plain Python, written apart from the Rust core
and never calling it, so that two implementations agree byte for byte:

- the hash schemes: `hash_model` (parse, key, message, sign, decode, verify, gate) and
  `hash_diagnosis` (the mistakes `explain` names), standard library only;
- the JWT schemes: `jwt_model`, the vendors' claims, signed and checked with PyJWT;
- the payload: `payload_model`, configs and the payload's rules, on the two models above.

Each file set has one module and one entry point beside this package, whose path the files
name as their `generator`:

- `testdata/generate_vectors.py` — `hash_vectors`: every hash file (`hash_cases` builds the cases,
  `hash_files_*` the files) and `packed/lane-v1.json` (`packed`);
- `testdata/generate_jwt_vectors.py` — `jwt_vectors`: the JWT files (needs PyJWT);
- `testdata/generate_payload_vectors.py` — `payload_vectors`: `payload.json` (needs PyJWT).

`output` writes them all the same way, or checks them (`--check`). The output is deterministic:
no randomness, no clock, fixed case order. The files' format is documented in
testdata/vectors/README.md.
"""

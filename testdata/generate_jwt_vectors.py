#!/usr/bin/env python3
"""Generate the userhash conformance vectors for the JWT schemes (testdata/vectors: one file per JWT preset, jwt-custom.json, jwt-explain.json).

An independent implementation: the claims each vendor wants are modelled here in plain Python,
and every token is signed and checked with PyJWT (https://pyjwt.readthedocs.io), never with
userhash. PyJWT is a test-only dependency (testdata/requirements.txt, which the Python suite's
requirements include); `cargo xtask vectors` runs `--check` in a virtualenv of its own, and
`cargo xtask test` inside the Python suite's.

Usage:
    python testdata/generate_jwt_vectors.py          # (re)write the JWT vector files
    python testdata/generate_jwt_vectors.py --check  # exit 1 if a file on disk differs

Tokens are byte-exact: the claims are serialised the way userhash writes them (members sorted at
every depth, no whitespace, UTF-8 rather than \\u escapes) and handed to PyJWT's JWS layer as the
payload; PyJWT writes the header (sorted: alg, kid, typ) and the HS256 signature. The format is
documented in testdata/vectors/README.md ("JWT files").
"""

import sys

from vectorgen.jwt_vectors import main

if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0]))

#!/usr/bin/env python3
"""Generate the payload vectors (testdata/vectors/payload.json): configs with several vendors, and
the exact payload JSON every language and the CLI must print for an identity on a platform.

An independent model: the payload rules (which key serves which platform, `all_platforms`, the
identity fields a hash is sent with, which JWT attributes each vendor takes, the JSON's bytes)
are written here in plain Python; hashes are computed by testdata/generate_vectors.py's model and
JWTs are signed by PyJWT through testdata/generate_jwt_vectors.py's claim model — never by
userhash. PyJWT is a test-only dependency (testdata/requirements.txt, which the Python suite's
requirements include); `cargo xtask vectors` runs `--check` in a virtualenv of its own, and
`cargo xtask test` inside the Python suite's.

Usage:
    python testdata/generate_payload_vectors.py          # (re)write testdata/vectors/payload.json
    python testdata/generate_payload_vectors.py --check  # exit 1 if the file on disk differs

The format is documented in testdata/vectors/README.md ("Payload file").
"""

import sys

from vectorgen.payload_vectors import main

if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0]))

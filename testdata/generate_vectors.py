#!/usr/bin/env python3
"""Generate the userhash conformance vectors (testdata/vectors/*.json).

The entry point of the hash file set: its model (testdata/vectorgen/hash_model.py and
hash_diagnosis.py) is an independent re-implementation of the userhash scheme model in plain
Python 3 (standard library only). It must never import or call the Rust code: the point of the
vectors is that two implementations, written separately, agree byte for byte.

Usage:
    python3 testdata/generate_vectors.py          # (re)write testdata/vectors/*.json
    python3 testdata/generate_vectors.py --check  # exit 1 if a file on disk differs

The output is deterministic: no randomness, no clock, fixed case order, and
json.dump(indent=2, ensure_ascii=False) plus a trailing newline.

The format of the files is documented in testdata/vectors/README.md.
"""

import sys

from vectorgen.hash_vectors import main

if __name__ == "__main__":
    sys.exit(main(__doc__.splitlines()[0]))

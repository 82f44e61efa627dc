#!/usr/bin/env python3
"""The baseline for `userhash batch`: the same job in stdlib-only Python, as a team would write it.

Reads a CSV with a `user_id` column, appends `user_hash` (HMAC-SHA256, lower-case hex, keyed by
the UTF-8 of the secret: the `intercom` scheme) and an empty `error` column, and writes the rows
in order; an empty user id gets no hash and an error, as `userhash batch` does. Constant memory:
one row at a time through the csv module.

    USERHASH_SECRET=... python3 batch_baseline.py input.csv output.csv

`cargo xtask bench` times it against `userhash batch --scheme intercom` on the same file.
"""

import csv
import hashlib
import hmac
import os
import sys


def main() -> int:
    source, target = sys.argv[1], sys.argv[2]
    key = os.environ["USERHASH_SECRET"].encode("utf-8")
    sha256 = hashlib.sha256
    new = hmac.new
    with open(source, newline="", encoding="utf-8") as infile, open(
        target, "w", newline="", encoding="utf-8"
    ) as outfile:
        reader = csv.reader(infile)
        writer = csv.writer(outfile, lineterminator="\n")
        header = next(reader)
        column = header.index("user_id")
        writer.writerow(header + ["user_hash", "error"])
        for row in reader:
            user_id = row[column]
            if user_id:
                row += [new(key, user_id.encode("utf-8"), sha256).hexdigest(), ""]
            else:
                row += ["", "the user_id is empty"]
            writer.writerow(row)
    return 0


if __name__ == "__main__":
    sys.exit(main())

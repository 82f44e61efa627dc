"""Writing the vector files, or checking them (`--check`): one routine for every file set, so that
each writes the same bytes (JSON, two-space indents, UTF-8 as is, a trailing newline) and a stale
or orphaned file is reported the same way."""

import argparse
import json
import sys
from pathlib import Path

TESTDATA = Path(__file__).resolve().parent.parent
VECTORS_DIR = TESTDATA / "vectors"


def render(document):
    """A vector file's text."""
    return json.dumps(document, indent=2, ensure_ascii=False) + "\n"


def generator_of(path):
    """The generator a file names (None for a file that names none)."""
    try:
        return json.loads(path.read_text(encoding="utf-8")).get("generator")
    except (OSError, ValueError, AttributeError):
        return None


def main(description, generator, files):
    """Writes the file set `files()` gives ({path under testdata/vectors: text}), or with
    `--check` exits 1 when a file on disk differs. A file that names `generator` and is no
    longer produced is removed (or, with `--check`, reported)."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--check", action="store_true",
                        help="regenerate in memory; exit 1 if any file on disk differs")
    args = parser.parse_args()
    rendered = files()
    owned = {
        path.relative_to(VECTORS_DIR).as_posix()
        for path in VECTORS_DIR.rglob("*.json")
        if generator_of(path) == generator
    }
    orphans = sorted(owned - set(rendered))
    if args.check:
        stale = [
            name for name, text in rendered.items()
            if not (VECTORS_DIR / name).exists()
            or (VECTORS_DIR / name).read_text(encoding="utf-8") != text
        ]
        for name in stale:
            print(f"differs: testdata/vectors/{name}", file=sys.stderr)
        for name in orphans:
            print(f"not generated: testdata/vectors/{name}", file=sys.stderr)
        if stale or orphans:
            print(f"vectors are stale: run python3 {generator}", file=sys.stderr)
            return 1
        print(f"ok: the {len(rendered)} files of {generator} are up to date")
        return 0
    for name in orphans:
        (VECTORS_DIR / name).unlink()
        print(f"removed testdata/vectors/{name}")
    for name, text in rendered.items():
        path = VECTORS_DIR / name
        path.parent.mkdir(parents=True, exist_ok=True)
        with open(path, "w", encoding="utf-8", newline="\n") as out:
            out.write(text)
    print(f"wrote the {len(rendered)} files of {generator}")
    return 0

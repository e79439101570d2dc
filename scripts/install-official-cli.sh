#!/usr/bin/env bash
# Installs Checkly's official CLI (npm package `checkly`, 8.23.x), which
# `cargo xtask bench` compares against, into target/official-cli (never
# committed; target/ is ignored). Needs node and npm. Prints the installed
# version; exits non-zero when npm cannot install it, and the bench then
# skips that comparison with a line saying why.
set -euo pipefail
cd "$(dirname "$0")/.."
dir="${CARGO_TARGET_DIR:-target}/official-cli"
version="${CHECKLY_OFFICIAL_CLI_VERSION:-8.23}"
if ! command -v npm >/dev/null; then
    echo "install-official-cli: npm is not installed" >&2
    exit 1
fi
mkdir -p "$dir"
npm install --prefix "$dir" --no-audit --no-fund --loglevel=error "checkly@$version" >&2
"$dir/node_modules/.bin/checkly" --version

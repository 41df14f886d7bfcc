#!/usr/bin/env bash
# Proves that plugin builds are reproducible: the bundled policies built from two
# clean checkouts, in directories of different names and depths, by "different
# users" (other HOME, USER, target directory), give byte-identical components, so
# anyone can rebuild a published plugin and compare its sha256.
#
# Usage: tests/reproducible-build.sh   (builds the committed HEAD; takes a few minutes)
set -euo pipefail
repo=$(git -C "$(dirname "$0")" rev-parse --show-toplevel)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
packages=(kz-export-control chpl-diversion)

build() { # checkout-dir home-dir user
    git clone -q "$repo" "$1"
    mkdir -p "$2"
    # The toolchain and the crate registry stay where they are; only the user,
    # the home directory and every path of the build change.
    (cd "$1" && env HOME="$2" USER="$3" LOGNAME="$3" \
        CARGO_HOME="${CARGO_HOME:-$HOME/.cargo}" RUSTUP_HOME="${RUSTUP_HOME:-$HOME/.rustup}" \
        cargo run -q --release --locked -p exportctl-builder --bin exportctl-build -- \
        --target-dir "$1/target/plugins" --out "$1/out" "${packages[@]}")
}

first=$(build "$work/a" "$work/home-alice" alice)
second=$(build "$work/second/checkout/of/exportctl" "$work/home-bob" bob)
echo "first build:";  echo "$first"
echo "second build:"; echo "$second"
if [ "$(echo "$first" | cut -d' ' -f1)" != "$(echo "$second" | cut -d' ' -f1)" ]; then
    echo "reproducible-build: FAILED: the two builds differ" >&2
    exit 1
fi
echo "reproducible-build: ok (${#packages[@]} plugins identical)"

#!/usr/bin/env bash
# Regenerates repository/ and ceremony-logs/: the output of the example ceremony in deterministic
# mode (fixed clock, fixed ed25519 seeds). test/e2e/example.test.ts checks they are byte-identical.
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build >/dev/null
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
node dist/cli/main.js demo --deterministic --out "$out/example" >/dev/null
rm -rf repository ceremony-logs
cp -R "$out/example/repository" "$out/example/ceremony-logs" .
echo "repository/ and ceremony-logs/ regenerated"

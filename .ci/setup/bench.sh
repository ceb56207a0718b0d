#!/usr/bin/env bash
# Installs what `npm run bench` needs beyond npm: h2load, Debian's native HTTP/2 load generator.
# Idempotent: does nothing when h2load is already on PATH. CI then runs `npm run bench -- --quick`.
set -euo pipefail

if command -v h2load >/dev/null 2>&1; then
  echo "h2load present: $(h2load --version)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends nghttp2-client
echo "installed: $(h2load --version)"

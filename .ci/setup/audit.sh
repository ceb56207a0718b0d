#!/usr/bin/env bash
# Debian packages for test/audit (a real RFC 3161 TSA: `openssl ts -reply`, `openssl ts -verify`,
# `openssl cms`) and test/audit/siem.test.ts (TLS certificates for the syslog receiver). Idempotent.
set -euo pipefail
if command -v openssl >/dev/null 2>&1 && openssl ts -help >/dev/null 2>&1; then
  echo "present: $(openssl version)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends openssl
echo "installed: $(openssl version)"

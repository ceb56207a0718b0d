#!/usr/bin/env bash
# Debian package for scripts/architecture.ts: Graphviz's `dot` draws docs/architecture.svg from the DOT
# dependency-cruiser writes. The freshness check (test/docs/architecture.test.ts) compares the DOT only,
# so it runs without Graphviz; regenerating the picture needs it. Idempotent.
set -euo pipefail
if command -v dot >/dev/null 2>&1; then
  echo "present: $(dot -V 2>&1)"
  exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
$SUDO apt-get update -qq
$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends graphviz
echo "installed: $(dot -V 2>&1)"

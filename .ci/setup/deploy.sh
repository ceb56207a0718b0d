#!/usr/bin/env bash
# Debian packages for test/deploy: Go with sprig and sigs.k8s.io/yaml, to build tools/helm-render
# (Helm's template engine rebuilt; no helm binary can be installed). Idempotent.
set -euo pipefail
pkgs=(golang-go golang-github-masterminds-sprig-dev golang-gopkg-yaml.v3-dev golang-k8s-sigs-yaml-dev)
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${missing[@]}"
fi

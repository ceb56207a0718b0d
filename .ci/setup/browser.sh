#!/usr/bin/env bash
# Debian's chromium for test/browser (driven by playwright-core with executablePath /usr/bin/chromium;
# a browser downloaded by a test tool cannot be installed here). Idempotent.
set -euo pipefail
if ! dpkg-query -W -f='${Status}' chromium 2>/dev/null | grep -q 'install ok installed'; then
  apt-get update
  DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium
fi
/usr/bin/chromium --headless --no-sandbox --version >/dev/null 2>&1 || test -x /usr/bin/chromium

#!/usr/bin/env bash
# Installs the real servers the tests use, from Debian: prometheus (with promtool),
# prometheus-alertmanager (the generated alerts' end-to-end test), and chromium for the dashboard's
# browser test (driven by playwright-core, which downloads no browser).
# A C compiler, make and python3 (for node-gyp and the fake NVML library) come with the machine.
set -euo pipefail
need=()
command -v promtool >/dev/null 2>&1 && command -v prometheus >/dev/null 2>&1 || need+=(prometheus)
command -v prometheus-alertmanager >/dev/null 2>&1 || need+=(prometheus-alertmanager)
command -v chromium >/dev/null 2>&1 || need+=(chromium)
command -v cc >/dev/null 2>&1 || need+=(gcc libc6-dev)
command -v make >/dev/null 2>&1 || need+=(make)
if [ ${#need[@]} -eq 0 ]; then
  echo "system-deps: prometheus $(promtool --version 2>&1 | head -1 | awk '{print $3}'), alertmanager $(prometheus-alertmanager --version 2>&1 | head -1 | awk '{print $3}'), $(chromium --version 2>/dev/null), cc and make present"
  exit 0
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
echo "system-deps: installing ${need[*]} from Debian"
$sudo apt-get update -qq
DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${need[@]}" >/dev/null
promtool --version 2>&1 | head -1
chromium --version

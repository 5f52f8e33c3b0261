#!/usr/bin/env bash
# Shared set-up for run.sh and test.sh: installs missing Debian packages, configures, builds.
# The package list is scripts/debian-packages.txt (tested on Debian 12 "bookworm").
# Usage: scripts/setup.sh [extra packages...]
set -euo pipefail
cd "$(dirname "$0")/.."

mapfile -t packages < <(sed -e 's/#.*//' -e 's/[[:space:]]//g' -e '/^$/d' scripts/debian-packages.txt)
packages+=("$@")

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if ((${#missing[@]})); then
  echo "== installing Debian packages: ${missing[*]}"
  sudo_cmd=()
  [[ $(id -u) -eq 0 ]] || sudo_cmd=(sudo)
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}"
fi

jobs=${KVROUTE_JOBS:-$(nproc)}
# Always through the preset (quick when configured), so a preset's new settings reach old builds.
echo "== configuring (cmake --preset default)"
cmake --preset default >/dev/null
echo "== building (${jobs} jobs)"
cmake --build build -j "${jobs}"

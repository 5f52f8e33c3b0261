#!/usr/bin/env bash
# Installs what is missing, builds, and runs the main job: the GUI on the built-in default
# scenario when a display is available, else the headless run of the default scenario.
set -euo pipefail
cd "$(dirname "$0")"
scripts/setup.sh
if [[ -n "${DISPLAY:-}${WAYLAND_DISPLAY:-}" && -x build/bin/kvroute-gui ]]; then
  exec build/bin/kvroute-gui --scenario default "$@"
fi
exec build/bin/kvroute run default "$@"

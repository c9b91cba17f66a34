#!/usr/bin/env bash
# Installs the Debian packages listed in scripts/deps.txt that are missing.
# Runs apt-get as root, or through sudo when not root.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
# NISAC_NO_OCTAVE=1: without the Octave gateway's packages.
mapfile -t pkgs < <(grep -vE '^\s*(#|$)' "$here/deps.txt" |
  { if [ -n "${NISAC_NO_OCTAVE:-}" ]; then grep -v '\[octave\]'; else cat; fi; } | sed 's/\s*\[octave\]\s*$//')
missing=()
for p in "${pkgs[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ ${#missing[@]} -eq 0 ]; then
  echo "setup: all ${#pkgs[@]} packages present"
  exit 0
fi
echo "setup: installing ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then SUDO="sudo"; fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"

#!/usr/bin/env bash
# Installs what the build, the demo and the tests need on a fresh Debian machine (libcurl and zlib headers,
# the curl command the demo and the seed's examples use), only when missing.
set -euo pipefail

missing=()
for package in libcurl4-openssl-dev zlib1g-dev curl; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
for package in "$@"; do
  dpkg-query -W -f='${Status}' "$package" 2>/dev/null | grep -q "install ok installed" || missing+=("$package")
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}"
  sudo_cmd=""
  [ "$(id -u)" -ne 0 ] && sudo_cmd="sudo"
  $sudo_cmd apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo_cmd apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# bpe-openai: the exact tokenizer the token counter is tested and benchmarked against, and the vocabularies it ships.
python3 -c "import bpe_openai" 2>/dev/null || python3 -m pip install -q bpe-openai
command -v swift >/dev/null || { echo "setup: swift is not on the PATH (Swift 6.1 or newer is needed)" >&2; exit 1; }

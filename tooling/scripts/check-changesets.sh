#!/usr/bin/env bash
# Fails when a published package changed (since CHANGESET_BASE, default: the merge-base with origin/main, or the
# first commit when main itself is checked) without a pending changeset naming it.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/../.."
base=${CHANGESET_BASE:-}
if [ -z "$base" ]; then
  base=$(git merge-base HEAD origin/main 2>/dev/null || true)
  if [ -z "$base" ] || [ "$base" = "$(git rev-parse HEAD)" ]; then
    base=$(git rev-list --max-parents=0 HEAD | tail -n 1)
  fi
fi
changed=$(git diff --name-only "$base" HEAD -- 'packages/*/src/**' | grep -v '\.test\.ts$' | cut -d/ -f2 | sort -u || true)
missing=()
for package in $changed; do
  name=$(node -p "require('./packages/$package/package.json').name")
  if ! grep -lqs "^\"$name\":" .changeset/*.md; then missing+=("$name"); fi
done
if [ ${#missing[@]} -gt 0 ]; then
  echo "changesets: ${missing[*]} changed since $(git rev-parse --short "$base") without a changeset. Add one: pnpm changeset" >&2
  exit 1
fi
echo "changesets: every changed package has a pending changeset ($(echo "$changed" | wc -w) changed since $(git rev-parse --short "$base"))"

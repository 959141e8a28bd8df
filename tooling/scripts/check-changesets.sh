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
# Every pending changeset must be one changesets can parse: front matter of `"@auth/<package>": patch|minor|major`
# lines naming real packages, then one summary line `type(scope): ...`. A reformatted file is skipped by
# `changeset version` without a word, and its release note is lost.
malformed=()
for file in .changeset/*.md; do
  [ "$(basename "$file")" = README.md ] && continue
  if ! node -e '
    const [file] = process.argv.slice(1);
    const text = require("fs").readFileSync(file, "utf8");
    const match = /^---\n((?:"@auth\/[a-z-]+": (?:patch|minor|major)\n)+)---\n\n([a-z]+(?:\([a-z-]+\))?!?: \S[^\n]*)\n$/.exec(text);
    if (!match) process.exit(1);
    for (const line of match[1].trim().split("\n")) {
      const name = line.split("\"")[1].slice("@auth/".length);
      if (!require("fs").existsSync(`packages/${name}/package.json`)) process.exit(1);
    }
  ' "$file"; then malformed+=("$file"); fi
done
if [ ${#malformed[@]} -gt 0 ]; then
  echo "changesets: not in the form ---/\"@auth/<package>\": patch|minor|major/---/blank/one line type(scope): ...: ${malformed[*]}" >&2
  exit 1
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

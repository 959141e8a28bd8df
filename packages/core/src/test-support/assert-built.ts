// The repository's one check that a package's build is there and newer than its sources, for tests whose child
// processes run the BUILT packages. In core's test-support (never published: it knows this repository's layout),
// the lowest package, so every package's tests and the tooling import it by relative path without an upward import;
// it imports nothing but Node's built-ins, so plain `node` runs it (the bench scenarios).
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's `packages/` directory, with a trailing slash. */
export const packagesDirectory = fileURLToPath(new URL('../../../', import.meta.url));

/** A package by its directory name (`core`), with the built file a test loads. @default entry `dist/index.js` */
export type BuiltPackage = string | { name: string; entry: string };

/**
 * Why the given packages cannot be used built: the first whose entry is missing or older than its newest source file
 * (tests and test-support excluded), with the command that fixes it. Undefined when every one is built and fresh.
 */
export function describeStaleBuild(packages: readonly BuiltPackage[]): string | undefined {
  for (const item of packages) {
    const { name, entry } = typeof item === 'string' ? { name: item, entry: 'dist/index.js' } : item;
    const built = join(packagesDirectory, name, entry);
    // `--force`: sources rewritten with the same contents hit turbo's cache, which leaves dist (and its mtime) alone.
    const fix = `run \`pnpm turbo run build --filter @auth/${name} --force\` first`;
    if (!existsSync(built)) return `@auth/${name} is not built (packages/${name}/${entry} is missing): ${fix}`;
    const newest = newestSource(join(packagesDirectory, name, 'src'));
    if (newest !== undefined && newest.mtimeMs > statSync(built).mtimeMs) {
      const source = relative(packagesDirectory, newest.path);
      return `@auth/${name} is built from older sources (packages/${source} changed since): ${fix}`;
    }
  }
  return undefined;
}

/**
 * Throws (never skips) when a package is not built or its build is older than its sources, so that a test never runs
 * stale code. `why` says what needs the build, e.g. "the fleet's processes load dist".
 */
export function assertBuilt(packages: readonly BuiltPackage[], why?: string): void {
  const stale = describeStaleBuild(packages);
  if (stale !== undefined) throw new Error(why === undefined ? stale : `${stale} (${why})`);
}

function newestSource(directory: string): { path: string; mtimeMs: number } | undefined {
  let newest: { path: string; mtimeMs: number } | undefined;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    const candidate = entry.isDirectory()
      ? entry.name === 'test-support'
        ? undefined
        : newestSource(path)
      : entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')
        ? { path, mtimeMs: statSync(path).mtimeMs }
        : undefined;
    if (candidate !== undefined && (newest === undefined || candidate.mtimeMs > newest.mtimeMs)) newest = candidate;
  }
  return newest;
}

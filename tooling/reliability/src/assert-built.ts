import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The repository's `packages/` directory, with a trailing slash. */
export const packagesDirectory = fileURLToPath(new URL('../../../packages/', import.meta.url));

/**
 * Child processes run the BUILT packages: fail with "build first" when a `dist` is missing or older than its sources,
 * rather than test stale code.
 */
export function assertBuilt(names: readonly string[]): void {
  for (const name of names) {
    const dist = join(packagesDirectory, name, 'dist', 'index.js');
    const hint = `pnpm turbo run build --filter @auth/${name}`;
    if (!existsSync(dist)) throw new Error(`build first: ${dist} is missing (${hint})`);
    const source = join(packagesDirectory, name, 'src');
    if (newestSourceMtimeMs(source) > statSync(dist).mtimeMs) {
      throw new Error(`build first: ${dist} is older than ${source} (${hint})`);
    }
  }
}

function newestSourceMtimeMs(directory: string): number {
  let newest = 0;
  for (const entry of readdirSync(directory, { withFileTypes: true })) {
    const path = join(directory, entry.name);
    if (entry.isDirectory()) {
      if (entry.name !== 'test-support') newest = Math.max(newest, newestSourceMtimeMs(path));
    } else if (entry.name.endsWith('.ts') && !entry.name.endsWith('.test.ts')) {
      newest = Math.max(newest, statSync(path).mtimeMs);
    }
  }
  return newest;
}

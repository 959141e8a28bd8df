import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmEnvironment } from './npm-environment.ts';
import { runCommand } from './run-command.ts';

/** Where tools the tests install for themselves live: git-ignored, kept between runs, gone with node_modules. */
export const toolCacheDirectory = fileURLToPath(new URL('../../../node_modules/.cache/auth-tools/', import.meta.url));

export interface NpmTool {
  /** A name for the cache folder and the log line, e.g. `verdaccio`. */
  name: string;
  /** Exact versions, e.g. `{ verdaccio: '6.10.4' }`. */
  packages: Record<string, string>;
  /** npm `overrides` for the installing package.json (Verdaccio 6.10.4 needs `node-fetch: 2.7.0`). */
  overrides?: Record<string, string>;
}

/**
 * Installs a tool from the npm registry into the tool cache once (a few seconds), then reuses it; returns the folder
 * whose `node_modules` holds it. A changed version list installs into a folder of its own.
 */
export async function installNpmTool(tool: NpmTool): Promise<string> {
  const key = Object.entries(tool.packages)
    .map(([name, version]) => `${name.replace('/', '+')}@${version}`)
    .join('_');
  const directory = join(toolCacheDirectory, key);
  const manifest = {
    name: `auth-tool-${tool.name}`,
    private: true,
    dependencies: tool.packages,
    overrides: tool.overrides,
  };
  const done = join(directory, 'installed.json');
  if (existsSync(done) && readFileSync(done, 'utf8') === JSON.stringify(manifest)) return directory;

  const startedAt = performance.now();
  rmSync(directory, { recursive: true, force: true });
  mkdirSync(directory, { recursive: true });
  writeFileSync(join(directory, 'package.json'), JSON.stringify(manifest, null, 2));
  await runCommand('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', '--no-package-lock'], {
    cwd: directory,
    env: npmEnvironment(),
  });
  writeFileSync(done, JSON.stringify(manifest));
  const seconds = ((performance.now() - startedAt) / 1000).toFixed(1);
  console.log(`installed ${key.replaceAll('_', ' ')} from the npm registry in ${seconds} s (cached for the next run)`);
  return directory;
}

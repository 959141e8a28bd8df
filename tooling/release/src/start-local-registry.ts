import { type ChildProcess, spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { findFreePort } from '../../../packages/redis/src/test-support/start-redis-server.ts';
import { installNpmTool } from './install-npm-tool.ts';

/** The registry the rehearsal publishes to; 6.10.4 installs only with node-fetch pinned (a broken `cjs` tag upstream). */
export const verdaccio = { version: '6.10.4', overrides: { 'node-fetch': '2.7.0' } } as const;

export interface LocalRegistry {
  /** `http://127.0.0.1:<port>/`, with the trailing slash npm configuration expects. */
  readonly url: string;
  /** The lines a project's `.npmrc` needs to install our scope from this registry, and nothing else from it. */
  readonly scopeMapping: string;
  /** Stops the registry we started (by its pid). */
  close(): Promise<void>;
}

/**
 * Starts Verdaccio on a free 127.0.0.1 port with its storage in `directory`. `@auth/*` is served from that storage
 * only: no uplink, so a name of the public `@auth` scope that we did not publish (Auth.js') is a 404 here, never
 * fetched from npmjs.org. Anyone may publish: the registry lives as long as one test run.
 */
export async function startLocalRegistry(directory: string): Promise<LocalRegistry> {
  const tool = await installNpmTool({
    name: 'verdaccio',
    packages: { verdaccio: verdaccio.version },
    overrides: verdaccio.overrides,
  });
  mkdirSync(join(directory, 'storage'), { recursive: true });
  const config = join(directory, 'config.yaml');
  writeFileSync(
    config,
    [
      'storage: ./storage',
      'uplinks: {}',
      'packages:',
      "  '@auth/*':",
      '    access: $anonymous',
      '    publish: $anonymous',
      "  '**':",
      '    access: $anonymous',
      'web:',
      '  enable: false',
      'log: { type: stdout, format: pretty, level: warn }',
      '',
    ].join('\n'),
  );
  const binary = join(tool, 'node_modules/verdaccio/bin/verdaccio');
  let lastError: unknown;
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await findFreePort();
    const child = spawn(process.execPath, [binary, '--config', config, '--listen', `127.0.0.1:${port}`], {
      cwd: directory,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const url = `http://127.0.0.1:${port}/`;
    try {
      await waitUntilReady(child, url);
    } catch (error) {
      lastError = error; // most likely the port was taken in between
      await stop(child);
      continue;
    }
    const killOnExit = () => child.kill('SIGKILL');
    process.once('exit', killOnExit);
    return {
      url,
      scopeMapping: `@auth:registry=${url}\n`,
      async close() {
        process.off('exit', killOnExit);
        await stop(child);
      },
    };
  }
  throw lastError;
}

async function waitUntilReady(child: ChildProcess, url: string): Promise<void> {
  let output = '';
  child.stdout?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  child.stderr?.on('data', (chunk: Buffer) => {
    output += chunk.toString();
  });
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null || child.signalCode !== null) {
      throw new Error(`Verdaccio exited (${child.exitCode ?? child.signalCode}) before it was ready:\n${output}`);
    }
    try {
      const response = await fetch(new URL('-/ping', url));
      if (response.ok) return;
    } catch {}
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  throw new Error(`Verdaccio did not answer ${url}-/ping within 60 s:\n${output}`);
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  const escalate = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(escalate);
}

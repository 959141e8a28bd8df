// Proves "install only the provider you need": packs every published package with `pnpm pack`, installs ONE provider
// (+ the @auth/core tarball) into a scratch project outside the workspace, checks nothing else of ours came along and
// that @auth/core is ours (the public registry's @auth scope belongs to another project), then logs in against the
// emulator and makes a call as ESM `import` and as CommonJS `require()`, and type-checks a consumer file with
// moduleResolution nodenext and bundler. Run after the build: node tooling/scripts/install-test.mjs
import { execFile, execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { cjsScript, consumerCode, esmScript } from './consumer-scripts.mjs';

const root = fileURLToPath(new URL('../../', import.meta.url));
const published = ['core', 'gomus', 'musement', 'musimap', 'testing', 'redis', 'cli'];
const work = mkdtempSync(join(tmpdir(), 'auth-install-test-'));
const tarballs = join(work, 'tarballs');
const tsc = join(root, 'node_modules/typescript/bin/tsc');

const testing = await import(pathToFileURL(join(root, 'packages/testing/dist/index.js')).href);
const { startGomusEmulator, startMusementEmulator, startMusimapEmulator } = testing;

const emulators = {
  gomus: await startGomusEmulator(),
  musement: await startMusementEmulator(),
  musimap: await startMusimapEmulator(),
};

/** Per provider: a consumer file type-checked against the installed package. */
const consumerTypes = {
  gomus: `import { createGomusClient, type GomusClient } from '@auth/gomus';
const client: GomusClient = createGomusClient({ baseUrl: 'https://demo.gomus.de', token: 't' });
export const access: Promise<string> = client.whoami().then((who) => who.access);`,
  musement: `import { createMusementClient } from '@auth/musement';
import type { TokenSet } from '@auth/core';
const client = createMusementClient({ clientId: 'id', clientSecret: 's', application: 'app' });
export const token: Promise<TokenSet> = client.getToken();`,
  musimap: `import { createMusimapClient } from '@auth/musimap';
import type { TokenSet } from '@auth/core';
const client = createMusimapClient({ clientId: 'id', clientSecret: 's' });
export const token: Promise<TokenSet> = client.getToken();`,
};

const run = (command, args, options = {}) =>
  execFileSync(command, args, { stdio: ['ignore', 'pipe', 'pipe'], encoding: 'utf8', ...options });
// Consumers talk to the emulators in this process: they must run without blocking its event loop.
const runAsync = async (command, args, options = {}) =>
  (await promisify(execFile)(command, args, { encoding: 'utf8', timeout: 60_000, ...options })).stdout;

const results = [];
try {
  mkdirSync(tarballs);
  for (const name of published) {
    run('pnpm', ['pack', '--pack-destination', tarballs], { cwd: join(root, 'packages', name) });
  }
  const tarballOf = (name) =>
    join(
      tarballs,
      readdirSync(tarballs).find((file) => file.startsWith(`auth-${name}-`)),
    );
  for (const name of published) {
    results.push({ check: `pack @auth/${name}`, detail: `${statSync(tarballOf(name)).size} B tarball` });
  }
  const ourCoreDescription = JSON.parse(readFileSync(join(root, 'packages/core/package.json'), 'utf8')).description;

  for (const [provider, types] of Object.entries(consumerTypes)) {
    const project = join(work, `consumer-${provider}`);
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: `consumer-${provider}`, private: true }));
    run('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', tarballOf('core'), tarballOf(provider)], {
      cwd: project,
    });
    const installed = readdirSync(join(project, 'node_modules/@auth')).sort();
    const expected = ['core', provider].sort();
    if (JSON.stringify(installed) !== JSON.stringify(expected)) {
      throw new Error(`${provider}: installed @auth/{${installed}} but expected only @auth/{${expected}}`);
    }
    const core = JSON.parse(readFileSync(join(project, 'node_modules/@auth/core/package.json'), 'utf8'));
    if (core.description !== ourCoreDescription) throw new Error(`${provider}: @auth/core is not ours`);
    results.push({
      check: `${provider}: install alone`,
      detail: `node_modules/@auth = {${installed.join(', ')}}, @auth/core is ours`,
    });

    const env = { ...process.env, URL: emulators[provider].url };
    const code = consumerCode(provider, testing);
    writeFileSync(join(project, 'esm.mjs'), esmScript(`@auth/${provider}`, code));
    writeFileSync(join(project, 'cjs.cjs'), cjsScript(`@auth/${provider}`, code));
    for (const [style, file] of [
      ['ESM import', 'esm.mjs'],
      ['CommonJS require', 'cjs.cjs'],
    ]) {
      const output = (await runAsync(process.execPath, [file], { cwd: project, env })).trim();
      if (output !== 'ok') throw new Error(`${provider} ${style}: ${output}`);
      results.push({ check: `${provider}: ${style}`, detail: 'logged in and called the emulator' });
    }

    writeFileSync(join(project, 'consumer.ts'), types);
    for (const resolution of ['nodenext', 'bundler']) {
      const compilerOptions = {
        strict: true,
        noEmit: true,
        skipLibCheck: false,
        types: [],
        lib: ['ES2023', 'DOM'],
        target: 'ES2023',
        module: resolution === 'nodenext' ? 'nodenext' : 'esnext',
        moduleResolution: resolution,
      };
      writeFileSync(join(project, 'tsconfig.json'), JSON.stringify({ compilerOptions, files: ['consumer.ts'] }));
      writeFileSync(
        join(project, 'package.json'),
        JSON.stringify({ name: `consumer-${provider}`, private: true, type: 'module' }),
      );
      run(process.execPath, [tsc, '-p', 'tsconfig.json'], { cwd: project });
      results.push({ check: `${provider}: types (${resolution})`, detail: 'tsc --noEmit passed' });
    }
  }
  for (const result of results) console.log(`ok  ${result.check.padEnd(32)} ${result.detail}`);
  console.log(`install test: ${results.length} checks passed`);
} catch (error) {
  for (const result of results) console.log(`ok  ${result.check.padEnd(32)} ${result.detail}`);
  console.error(`install test FAILED: ${error.message}\n${error.stdout ?? ''}${error.stderr ?? ''}`);
  process.exitCode = 1;
} finally {
  await Promise.all(Object.values(emulators).map((emulator) => emulator.close()));
  rmSync(work, { recursive: true, force: true });
}

// The release rehearsal: the contributor flow of CONTRIBUTING.md ("Releasing") and the user flow of the READMEs
// ("Install"), end to end, against a real npm registry on loopback. Nothing in the repository changes: versions and
// changelogs are written in a temporary copy. See the root README, "Publishing and installing".
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../../../packages/core/src/test-support/assert-built.ts';
import { redisTestsCanRun, startRedisServer } from '../../../packages/redis/src/test-support/start-redis-server.ts';
import * as testing from '../../../packages/testing/src/index.ts';
import { cjsScript, consumerCode, esmScript } from '../../scripts/consumer-scripts.mjs';
import { npmEnvironment } from './npm-environment.ts';
import { createReleaseWorkspace, type Manifest, type ReleaseWorkspace, repositoryRoot } from './release-workspace.ts';
import { runCommand } from './run-command.ts';
import { type LocalRegistry, startLocalRegistry, verdaccio } from './start-local-registry.ts';

const work = mkdtempSync(join(tmpdir(), 'auth-rehearsal-'));
let registry: LocalRegistry;
let workspace: ReleaseWorkspace;
const history: Record<string, string>[] = [];
const report = (line: string) => console.log(`[release rehearsal] ${line}`);

beforeAll(async () => {
  assertBuilt(readdirSync(join(repositoryRoot, 'packages')), 'the rehearsal publishes the built packages');
  registry = await startLocalRegistry(join(work, 'registry'));
  report(`Verdaccio ${verdaccio.version} on ${registry.url}: @auth/* from its own storage only (no uplink)`);
  workspace = await createReleaseWorkspace(registry.url);
  history.push(workspace.versions());
}, 180_000);

afterAll(async () => {
  await registry?.close();
  rmSync(work, { recursive: true, force: true });
  if (workspace) rmSync(workspace.directory, { recursive: true, force: true });
});

/** `npm view <spec> <field> --json` against the local registry; undefined on a 404. */
async function view(spec: string, field: string): Promise<unknown> {
  try {
    const output = await runCommand('npm', ['view', spec, field, '--json', `--registry=${registry.url}`], {
      cwd: work,
      env: npmEnvironment(),
    });
    return output.trim() === '' ? undefined : JSON.parse(output);
  } catch (error) {
    if (/E404|404 Not Found/.test(String(error))) return undefined;
    throw error;
  }
}

async function publishedVersions(name: string): Promise<string[]> {
  const versions = await view(name, 'versions');
  return versions === undefined ? [] : ([] as string[]).concat(versions as string | string[]);
}

function compareVersions(left: string, right: string): number {
  const [a, b] = [left, right].map((version) => version.split(/[.+-]/).slice(0, 3).map(Number));
  for (let index = 0; index < 3; index++) {
    const difference = (a?.[index] ?? 0) - (b?.[index] ?? 0);
    if (difference !== 0) return difference;
  }
  return 0;
}

/** The packages each pending changeset names. */
function pendingReleases(): Set<string> {
  const named = new Set<string>();
  const directory = join(workspace.directory, '.changeset');
  for (const file of readdirSync(directory).filter((file) => file.endsWith('.md') && file !== 'README.md')) {
    for (const match of readFileSync(join(directory, file), 'utf8').matchAll(/^"(@auth\/[a-z-]+)":/gm)) {
      named.add(match[1] as string);
    }
  }
  return named;
}

function versionTable(): string {
  const names = Object.keys(history[0] ?? {});
  const columns = ['in the repository', 'release 1', 'release 2'].slice(0, history.length);
  const rows = names.map(
    (name) => `  ${name.padEnd(16)}${history.map((versions) => (versions[name] ?? '').padEnd(20)).join('')}`,
  );
  return [`  ${'package'.padEnd(16)}${columns.map((column) => column.padEnd(20)).join('')}`, ...rows].join('\n');
}

describe('release rehearsal: changesets into a real registry, then installs as a user would', () => {
  it('first release: `changeset version` bumps every package a pending changeset names and writes its CHANGELOG; `changeset publish` publishes each', async () => {
    const named = pendingReleases();
    await workspace.changeset(['version']);
    const released = workspace.versions();
    history.push(released);
    for (const name of named) {
      expect(compareVersions(released[name] as string, history[0]?.[name] as string), name).toBeGreaterThan(0);
      expect(workspace.changelog(name.slice('@auth/'.length)), name).toContain(`## ${released[name]}`);
    }
    expect(pendingReleases().size).toBe(0);

    await workspace.changeset(['publish']);
    for (const [name, version] of Object.entries(released)) {
      expect(await publishedVersions(name), name).toEqual([version]);
    }
    // Auth.js publishes @auth/sveltekit on npmjs.org: the local registry must not know it (nothing proxied).
    expect(await view('@auth/sveltekit', 'name')).toBeUndefined();
    report(`release 1 published ${Object.keys(released).length} packages; @auth/sveltekit (Auth.js') is a 404 here`);
  }, 180_000);

  it('second release: a changeset for @auth/musimap alone changes only musimap (version, CHANGELOG) and publishes only it', async () => {
    const before = Object.fromEntries(workspace.packages.map((name) => [name, workspace.manifest(name)]));
    const changelogs = Object.fromEntries(workspace.packages.map((name) => [name, workspace.changelog(name)]));
    workspace.addChangeset(
      'rehearsal-musimap.md',
      '---\n"@auth/musimap": patch\n---\n\nfix(musimap): a patch released on its own\n',
    );
    await workspace.changeset(['version']);
    const released = workspace.versions();
    history.push(released);

    const first = history[1] as Record<string, string>;
    const [major, minor, patch] = (first['@auth/musimap'] as string).split('.').map(Number);
    expect(released).toEqual({ ...first, '@auth/musimap': `${major}.${minor}.${(patch as number) + 1}` });
    for (const name of workspace.packages.filter((name) => name !== 'musimap')) {
      expect(workspace.manifest(name), name).toEqual(before[name] as Manifest);
      expect(workspace.changelog(name), name).toBe(changelogs[name]);
    }
    const musimapChangelog = workspace.changelog('musimap') as string;
    expect(musimapChangelog.indexOf(`## ${released['@auth/musimap']}`)).toBeLessThan(
      musimapChangelog.indexOf(`## ${first['@auth/musimap']}`),
    );
    expect(musimapChangelog).toContain('fix(musimap): a patch released on its own');

    await workspace.changeset(['publish']);
    for (const name of Object.keys(released)) {
      const expected = name === '@auth/musimap' ? [first[name], released[name]] : [first[name]];
      expect(await publishedVersions(name), name).toEqual(expected);
    }
    report(`versions (the repository's own files are untouched):\n${versionTable()}`);
  }, 180_000);

  it('`npm i @auth/musimap` with only the scope mapping installs musimap and our core, nothing else of ours; ESM import and require() both log in', async () => {
    const emulator = await testing.startMusimapEmulator();
    try {
      const project = await installFromRegistry('musimap-user', ['@auth/musimap']);
      expect(project.ours).toEqual({
        '@auth/core': history[2]?.['@auth/core'],
        '@auth/musimap': history[2]?.['@auth/musimap'],
      });
      await expectOurCore(project);
      const code = consumerCode('musimap', testing);
      for (const [style, file, script] of [
        ['ESM import', 'esm.mjs', esmScript('@auth/musimap', code)],
        ['require()', 'cjs.cjs', cjsScript('@auth/musimap', code)],
      ] as const) {
        const logins = emulator.counters.tokenRequests;
        const output = await project.run(file, script, { URL: emulator.url });
        expect(output.trim(), style).toBe('ok');
        expect(emulator.counters.tokenRequests - logins, style).toBe(1);
        report(`  musimap-user, ${style}: logged in (1 token request) and called the emulator`);
      }
    } finally {
      await emulator.close();
    }
  }, 180_000);

  it.runIf(redisTestsCanRun('the release rehearsal'))(
    '`npm i @auth/musement @auth/redis` installs those two and our core; ESM and require() processes share one login through Redis',
    async () => {
      const [emulator, redis] = await Promise.all([testing.startMusementEmulator(), startRedisServer()]);
      try {
        const project = await installFromRegistry('musement-redis-user', ['@auth/musement', '@auth/redis']);
        expect(project.ours).toEqual({
          '@auth/core': history[2]?.['@auth/core'],
          '@auth/musement': history[2]?.['@auth/musement'],
          '@auth/redis': history[2]?.['@auth/redis'],
        });
        expect(project.installed.ioredis, 'ioredis, the peer dependency of @auth/redis').toBeDefined();
        await expectOurCore(project);
        // One program using both packages: a Musement client whose tokens live in Redis.
        const program = (importMusement: string) => `const { createMusementClient } = ${importMusement};
const { RedisTokenStore } = IMPORT;
const store = new RedisTokenStore({ url: process.env.REDIS_URL });
try {
${consumerCode('musement', testing).replace('IMPORT.createMusementClient({', 'createMusementClient({ store,')}
} finally { await store.close(); }`;
        const scripts = [
          ['ESM import', 'esm.mjs', esmScript('@auth/redis', program("(await import('@auth/musement'))"))],
          ['require()', 'cjs.cjs', cjsScript('@auth/redis', program("require('@auth/musement')"))],
        ] as const;
        const expectedLogins = [1, 0]; // the second process finds the first one's token in Redis
        for (const [index, [style, file, script]] of scripts.entries()) {
          const logins = emulator.counters.tokenRequests;
          const output = await project.run(file, script, { URL: emulator.url, REDIS_URL: redis.url });
          expect(output.trim(), style).toBe('ok');
          expect(emulator.counters.tokenRequests - logins, style).toBe(expectedLogins[index]);
          report(
            `  musement-redis-user, ${style}: called the emulator with ${expectedLogins[index] === 1 ? 'a new login, stored in Redis' : 'the token the first process stored in Redis (no login)'}`,
          );
        }
      } finally {
        await Promise.all([emulator.close(), redis.stop()]);
      }
    },
    180_000,
  );
});

interface ScratchProject {
  directory: string;
  /** Every installed package (nested ones too) → version. */
  installed: Record<string, string>;
  /** The installed packages of our scope → version. */
  ours: Record<string, string>;
  run(file: string, script: string, environment: Record<string, string>): Promise<string>;
}

/** A new project whose `.npmrc` holds only the scope mapping, where a user runs `npm i <packages>`. */
async function installFromRegistry(name: string, packages: string[]): Promise<ScratchProject> {
  const directory = join(work, name);
  mkdirSync(directory);
  writeFileSync(join(directory, 'package.json'), JSON.stringify({ name, private: true }));
  writeFileSync(join(directory, '.npmrc'), registry.scopeMapping);
  await runCommand('npm', ['install', '--no-audit', '--no-fund', '--loglevel=error', ...packages], {
    cwd: directory,
    env: npmEnvironment(),
  });
  const lock = JSON.parse(readFileSync(join(directory, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { version?: string }>;
  };
  const installed: Record<string, string> = {};
  for (const [path, entry] of Object.entries(lock.packages)) {
    if (path !== '' && entry.version) installed[path.replace(/^.*node_modules\//, '')] = entry.version;
  }
  const ours = Object.fromEntries(
    Object.entries(installed).filter(([installedName]) => installedName.startsWith('@auth/')),
  );
  report(
    `${name}: npm i ${packages.join(' ')} (.npmrc: ${registry.scopeMapping.trim()}) installed ${Object.entries(
      installed,
    )
      .map(([dependency, version]) => `${dependency}@${version}`)
      .join(', ')}`,
  );
  return {
    directory,
    installed,
    ours,
    async run(file, script, environment) {
      writeFileSync(join(directory, file), script);
      return runCommand(process.execPath, [file], { cwd: directory, env: { ...process.env, ...environment } });
    },
  };
}

/** The installed @auth/core is the one we published: same bytes as the local registry's tarball, our manifest. */
async function expectOurCore(project: ScratchProject): Promise<void> {
  const lock = JSON.parse(readFileSync(join(project.directory, 'package-lock.json'), 'utf8')) as {
    packages: Record<string, { integrity?: string }>;
  };
  const version = project.ours['@auth/core'] as string;
  expect(lock.packages['node_modules/@auth/core']?.integrity).toBe(
    await view(`@auth/core@${version}`, 'dist.integrity'),
  );
  const installed = JSON.parse(readFileSync(join(project.directory, 'node_modules/@auth/core/package.json'), 'utf8'));
  const ours = JSON.parse(readFileSync(join(repositoryRoot, 'packages/core/package.json'), 'utf8'));
  expect(installed.description).toBe(ours.description);
  for (const name of Object.keys(project.ours)) {
    expect(existsSync(join(project.directory, 'node_modules', name, 'LICENSE')), `${name} ships its LICENSE`).toBe(
      true,
    );
  }
  expect(installed.repository).toEqual(ours.repository);
  report(`  @auth/core@${version} is ours: its integrity is the local registry's, its manifest our repository's`);
}

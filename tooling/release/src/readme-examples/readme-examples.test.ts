// "Every code example in every README runs as written": each ```ts runnable block of the root README and of every
// package's README is written to a file of a scratch project that imports the BUILT packages by their names, then
// type-checked with strict TypeScript and run with Node against the emulators (and a redis-server when one is on the
// machine). The environment variables the READMEs mention point at the emulators, so an example written for
// production (`createMusementClient({ application: 'my-app' })`) runs unchanged; anything else on the network is
// refused through a dead proxy. AUTH_README_EXAMPLES=all also runs the blocks not marked runnable (to find the next
// ones to fix); they are reported, never failed.
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  realpathSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../../../../packages/core/src/test-support/assert-built.ts';
import {
  findRedisServer,
  type RedisServerHandle,
  startRedisServer,
} from '../../../../packages/redis/src/test-support/start-redis-server.ts';
import * as testing from '../../../../packages/testing/src/index.ts';
import { repositoryRoot } from '../release-workspace.ts';
import { runCommand } from '../run-command.ts';
import { type CodeBlock, extractCodeBlocks, isRunnable } from './extract-examples.ts';

const packagesDirectory = join(repositoryRoot, 'packages');
const packages = readdirSync(packagesDirectory).filter((name) =>
  existsSync(join(packagesDirectory, name, 'package.json')),
);
const readmes = [
  join(repositoryRoot, 'README.md'),
  ...packages.map((name) => join(packagesDirectory, name, 'README.md')),
];
const everyBlock = process.env.AUTH_README_EXAMPLES === 'all';

interface Example {
  block: CodeBlock;
  /** `packages/musimap/README.md:15` */
  name: string;
  file: string;
  marked: boolean;
}

const examples: Example[] = readmes.flatMap((readme) =>
  extractCodeBlocks(readme)
    .filter((block) => isRunnable(block) || (everyBlock && ['ts', 'typescript'].includes(block.language)))
    .map((block) => {
      const name = `${relative(repositoryRoot, readme)}:${block.line}`;
      const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
      const file = block.code.includes("from 'vitest'") ? `${slug}.test.ts` : `${slug}.ts`;
      return { block, name, file, marked: isRunnable(block) };
    }),
);

const project = mkdtempSync(join(tmpdir(), 'auth-readme-examples-'));
const environment: Record<string, string> = {};
const emulators: testing.EmulatorHandle[] = [];
let redis: RedisServerHandle | undefined;
let typeErrors = '';

/** The folder a bare specifier resolves to from the workspace (root first, then each package's own node_modules). */
function locate(name: string): string | undefined {
  const candidates = [
    join(repositoryRoot, 'node_modules', name),
    ...packages.map((folder) => join(packagesDirectory, folder, 'node_modules', name)),
  ];
  const found = candidates.find((candidate) => existsSync(join(candidate, 'package.json')));
  return found === undefined ? undefined : realpathSync(found);
}

function link(name: string, target: string) {
  const path = join(project, 'node_modules', name);
  if (existsSync(path)) return;
  mkdirSync(dirname(path), { recursive: true });
  symlinkSync(target, path, 'dir');
}

beforeAll(async () => {
  assertBuilt(packages, 'the README examples import the built packages');
  // A user's project: our packages by name (their package.json exports → dist), plus whatever else an example imports.
  writeFileSync(
    join(project, 'package.json'),
    JSON.stringify({ name: 'readme-examples', private: true, type: 'module' }),
  );
  for (const name of packages) link(`@auth/${name}`, join(packagesDirectory, name));
  for (const example of examples) {
    for (const [, specifier] of example.block.code.matchAll(/from\s+'([^']+)'/g)) {
      const name = (specifier as string)
        .split('/')
        .slice(0, (specifier as string).startsWith('@') ? 2 : 1)
        .join('/');
      if (name.startsWith('node:') || name.startsWith('@auth/') || name.startsWith('.')) continue;
      const found = locate(name);
      if (found !== undefined) link(name, found);
    }
    writeFileSync(join(project, example.file), example.block.code);
  }
  link('@types/node', locate('@types/node') as string);

  const [gomus, musement, musimap] = await Promise.all([
    testing.startGomusEmulator(),
    testing.startMusementEmulator(),
    testing.startMusimapEmulator(),
  ]);
  emulators.push(gomus, musement, musimap);
  Object.assign(environment, {
    GOMUS_BASE_URL: gomus.url,
    GOMUS_TOKEN: testing.gomusTestTokens.user,
    MUSEMENT_BASE_URL: musement.url,
    MUSEMENT_CLIENT_ID: testing.musementTestCredentials.clientId,
    MUSEMENT_CLIENT_SECRET: testing.musementTestCredentials.clientSecret,
    MUSEMENT_APPLICATION: testing.musementTestCredentials.application,
    MUSIMAP_BASE_URL: musimap.url,
    MUSIMAP_CLIENT_ID: testing.musimapTestCredentials.clientId,
    MUSIMAP_CLIENT_SECRET: testing.musimapTestCredentials.clientSecret,
  });
  if (findRedisServer() !== undefined) {
    redis = await startRedisServer();
    environment.REDIS_URL = redis.url;
  }

  // One strict type-check of every example, as a user's project with moduleResolution nodenext would do it.
  const compilerOptions = {
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    target: 'ES2023',
    lib: ['ES2023', 'DOM'],
    module: 'nodenext',
    moduleResolution: 'nodenext',
    types: ['node'],
    allowImportingTsExtensions: true,
  };
  writeFileSync(
    join(project, 'tsconfig.json'),
    JSON.stringify({ compilerOptions, files: examples.map((example) => example.file) }),
  );
  try {
    await runCommand(process.execPath, [join(repositoryRoot, 'node_modules/typescript/bin/tsc'), '-p', '.'], {
      cwd: project,
    });
  } catch (error) {
    typeErrors = String(error);
  }
}, 120_000);

afterAll(async () => {
  await Promise.all([...emulators.map((emulator) => emulator.close()), redis?.stop()]);
  rmSync(project, { recursive: true, force: true });
});

async function run(example: Example): Promise<void> {
  // A marked example has a minute; the others (AUTH_README_EXAMPLES=all) 15 s, since some wait for a server forever.
  const timeoutMs = example.marked ? 60_000 : 15_000;
  const env = {
    ...process.env,
    ...environment,
    // Only the emulators on 127.0.0.1: any other host goes to a proxy that is not there, and fails at once.
    NODE_USE_ENV_PROXY: '1',
    HTTP_PROXY: 'http://127.0.0.1:9',
    HTTPS_PROXY: 'http://127.0.0.1:9',
    NO_PROXY: '127.0.0.1,localhost',
  };
  const command = example.file.endsWith('.test.ts')
    ? [join(repositoryRoot, 'node_modules/vitest/vitest.mjs'), 'run', '--root', project, example.file]
    : ['--disable-warning=ExperimentalWarning', example.file];
  await runCommand(process.execPath, command, { cwd: project, env, timeoutMs });
}

describe.skipIf(examples.length === 0)('README examples run as written, against the emulators', () => {
  it('finds runnable examples in the READMEs', () => {
    expect(examples.filter((example) => example.marked).length).toBeGreaterThan(0);
  });

  for (const example of examples) {
    const title = `${example.name}${example.marked ? '' : ' (not marked runnable: reported only)'}`;
    it(title, async () => {
      const ownErrors = typeErrors
        .split('\n')
        .filter((line) => line.startsWith(example.file))
        .join('\n');
      let failure = ownErrors === '' ? undefined : `strict TypeScript:\n${ownErrors}`;
      if (failure === undefined) {
        failure = await run(example).then(
          () => undefined,
          (error) => String(error),
        );
      }
      console.log(`${failure === undefined ? 'ok  ' : 'FAIL'} ${example.name}`);
      if (!example.marked) {
        if (failure !== undefined) console.log(`     ${failure.split('\n').slice(0, 8).join('\n     ')}`);
        expect(example.marked).toBe(false);
        return;
      }
      expect(failure, example.name).toBeUndefined();
    }, 90_000);
  }
});

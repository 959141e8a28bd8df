import {
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { npmEnvironment } from './npm-environment.ts';
import { runCommand } from './run-command.ts';

export const repositoryRoot = fileURLToPath(new URL('../../../', import.meta.url));
const changesetBin = join(repositoryRoot, 'node_modules/@changesets/cli/bin.js');

export interface Manifest {
  name: string;
  version: string;
  private?: boolean;
  dependencies?: Record<string, string>;
  devDependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
}

/** A copy of the workspace to release from: the repository's own manifests, changelogs and pending changesets stay untouched. */
export interface ReleaseWorkspace {
  readonly directory: string;
  /** The published packages by folder name (`core`, `musimap`, ...). */
  readonly packages: readonly string[];
  manifest(name: string): Manifest;
  /** The package's CHANGELOG.md, undefined when there is none. */
  changelog(name: string): string | undefined;
  /** `@auth/<name>` → version, for every published package. */
  versions(): Record<string, string>;
  /** Writes `.changeset/<file>`. */
  addChangeset(file: string, text: string): void;
  /** Runs `changeset <args>` in the copy, publishing to the given registry only; returns its output. */
  changeset(args: readonly string[]): Promise<string>;
}

/**
 * Copies what a release reads (root manifest, workspace file, `.changeset/`, every package with its build) to a
 * temporary folder, points npm and pnpm there at `registryUrl` alone, links the workspace dependencies the way
 * `pnpm install` would (what `pnpm publish` reads to turn `workspace:^` into a version range) and commits it all to a
 * fresh git repository (`changeset publish` tags the release).
 */
export async function createReleaseWorkspace(registryUrl: string): Promise<ReleaseWorkspace> {
  const directory = mkdtempSync(join(tmpdir(), 'auth-release-rehearsal-'));
  for (const file of ['package.json', 'pnpm-workspace.yaml']) {
    cpSync(join(repositoryRoot, file), join(directory, file));
  }
  cpSync(join(repositoryRoot, '.changeset'), join(directory, '.changeset'), { recursive: true });
  const skipped = new Set(['node_modules', '.turbo', 'src']);
  const locations = new Map<string, string>();
  for (const parent of ['packages', 'tooling']) {
    for (const name of readdirSync(join(repositoryRoot, parent))) {
      const source = join(repositoryRoot, parent, name);
      if (!existsSync(join(source, 'package.json'))) continue;
      const target = join(directory, parent, name);
      if (parent === 'packages') {
        cpSync(source, target, { recursive: true, filter: (path) => !skipped.has(relative(source, path)) });
      } else {
        mkdirSync(target, { recursive: true });
        cpSync(join(source, 'package.json'), join(target, 'package.json'));
      }
      locations.set(readJson<Manifest>(join(target, 'package.json')).name, target);
    }
  }
  for (const location of locations.values()) {
    const manifest = readJson<Manifest>(join(location, 'package.json'));
    for (const [dependency, range] of Object.entries({ ...manifest.dependencies, ...manifest.devDependencies })) {
      if (!range.startsWith('workspace:')) continue;
      const link = join(location, 'node_modules', dependency);
      mkdirSync(dirname(link), { recursive: true });
      symlinkSync(relative(dirname(link), locations.get(dependency) as string), link);
    }
  }
  const host = new URL(registryUrl).host;
  writeFileSync(
    join(directory, '.npmrc'),
    `registry=${registryUrl}\n@auth:registry=${registryUrl}\n//${host}/:_authToken=local-registry-accepts-anyone\n`,
  );
  const environment = npmEnvironment({
    npm_config_registry: registryUrl,
    pnpm_config_registry: registryUrl,
    GIT_AUTHOR_NAME: 'release rehearsal',
    GIT_AUTHOR_EMAIL: 'rehearsal@example.invalid',
    GIT_COMMITTER_NAME: 'release rehearsal',
    GIT_COMMITTER_EMAIL: 'rehearsal@example.invalid',
  });
  const git = (...args: string[]) =>
    runCommand('git', ['-c', 'commit.gpgsign=false', ...args], { cwd: directory, env: environment });
  await git('init', '--quiet', '--initial-branch=main');
  await git('add', '--all');
  await git('commit', '--quiet', '--message', 'workspace as tested');

  // Never publish anywhere else: for both package managers, in a package folder of the copy, the registry of our
  // scope (or the default one where the scope has none) must be the local registry.
  for (const manager of ['npm', 'pnpm']) {
    const get = async (key: string) =>
      (
        await runCommand(manager, ['config', 'get', key], { cwd: join(directory, 'packages/core'), env: environment })
      ).trim();
    const scoped = await get('@auth:registry');
    const effective = scoped === 'undefined' || scoped === '' ? await get('registry') : scoped;
    if (effective !== registryUrl) {
      throw new Error(`${manager} would publish @auth/* to ${effective}, not ${registryUrl}: refusing to publish`);
    }
  }

  const packages = readdirSync(join(directory, 'packages')).filter(
    (name) => !readJson<Manifest>(join(directory, 'packages', name, 'package.json')).private,
  );
  const manifest = (name: string) => readJson<Manifest>(join(directory, 'packages', name, 'package.json'));
  return {
    directory,
    packages,
    manifest,
    changelog(name) {
      const file = join(directory, 'packages', name, 'CHANGELOG.md');
      return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
    },
    versions() {
      return Object.fromEntries(packages.map((name) => [`@auth/${name}`, manifest(name).version]));
    },
    addChangeset(file, text) {
      writeFileSync(join(directory, '.changeset', file), text);
    },
    async changeset(args) {
      const output = await runCommand(process.execPath, [changesetBin, ...args], { cwd: directory, env: environment });
      await git('add', '--all');
      await git('commit', '--quiet', '--allow-empty', '--message', `changeset ${args.join(' ')}`);
      return output;
    },
  };
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

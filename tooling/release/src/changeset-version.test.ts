import { execFileSync } from 'node:child_process';
import { cpSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../../', import.meta.url));
const changesetBin = join(root, 'node_modules/@changesets/cli/bin.js');
const published = readdirSync(join(root, 'packages'));
const scratches: string[] = [];

type Manifest = { name: string; version: string; dependencies?: Record<string, string> };

afterAll(() => {
  for (const scratch of scratches) rmSync(scratch, { recursive: true, force: true });
});

/**
 * Copies the workspace's manifests and changeset config to a scratch folder with released-looking versions (core
 * 1.2.0, everything else 1.0.0), adds one changeset for @auth/core and runs `changeset version` there.
 */
function versionCoreWith(bump: 'patch' | 'major') {
  const scratch = mkdtempSync(join(tmpdir(), 'auth-changesets-'));
  scratches.push(scratch);
  cpSync(join(root, 'package.json'), join(scratch, 'package.json'));
  cpSync(join(root, 'pnpm-workspace.yaml'), join(scratch, 'pnpm-workspace.yaml'));
  mkdirSync(join(scratch, '.changeset'));
  cpSync(join(root, '.changeset/config.json'), join(scratch, '.changeset/config.json'));
  for (const name of published) {
    const source = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as Manifest;
    source.version = name === 'core' ? '1.2.0' : '1.0.0';
    mkdirSync(join(scratch, 'packages', name), { recursive: true });
    writeFileSync(join(scratch, 'packages', name, 'package.json'), `${JSON.stringify(source, null, 2)}\n`);
  }
  writeFileSync(
    join(scratch, '.changeset/core.md'),
    `---\n"@auth/core": ${bump}\n---\n\nfix(core): a ${bump} change\n`,
  );
  execFileSync(process.execPath, [changesetBin, 'version'], { cwd: scratch, stdio: 'pipe' });
  const manifest = (name: string) =>
    JSON.parse(readFileSync(join(scratch, 'packages', name, 'package.json'), 'utf8')) as Manifest;
  const changelog = (name: string) =>
    readdirSync(join(scratch, 'packages', name)).includes('CHANGELOG.md')
      ? readFileSync(join(scratch, 'packages', name, 'CHANGELOG.md'), 'utf8')
      : undefined;
  const pending = readdirSync(join(scratch, '.changeset')).filter((file) => file.endsWith('.md'));
  return { manifest, changelog, pending };
}

const dependents = published.filter((name) => {
  const source = JSON.parse(readFileSync(join(root, 'packages', name, 'package.json'), 'utf8')) as Manifest;
  return source.dependencies?.['@auth/core'] !== undefined;
});

describe('changeset version: independent versions, updateInternalDependencies: patch', () => {
  it('knows which packages depend on @auth/core (the providers, redis and the CLI; not testing)', () => {
    expect([...dependents].sort()).toEqual(['cli', 'gomus', 'musement', 'musimap', 'redis']);
  });

  it('a compatible patch of @auth/core bumps only core: dependents keep their version (workspace:^ still satisfied)', () => {
    const result = versionCoreWith('patch');
    expect(result.manifest('core').version).toBe('1.2.1');
    expect(result.changelog('core')).toContain('## 1.2.1');
    expect(result.changelog('core')).toContain('fix(core): a patch change');
    for (const name of published.filter((name) => name !== 'core')) {
      expect(result.manifest(name).version, name).toBe('1.0.0');
      expect(result.changelog(name), name).toBeUndefined();
    }
    expect(result.pending).toEqual([]);
  });

  it('a major of @auth/core patch-bumps every dependent with a CHANGELOG naming it, and leaves testing alone', () => {
    const result = versionCoreWith('major');
    expect(result.manifest('core').version).toBe('2.0.0');
    for (const name of dependents) {
      expect(result.manifest(name).version, name).toBe('1.0.1');
      expect(result.changelog(name), name).toContain('@auth/core@2.0.0');
    }
    expect(result.manifest('testing').version).toBe('1.0.0');
    expect(result.changelog('testing')).toBeUndefined();
  });
});

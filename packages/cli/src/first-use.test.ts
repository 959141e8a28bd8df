import { readFileSync } from 'node:fs';
import {
  type EmulatorHandle,
  musementTestCredentials,
  musimapTestCredentials,
  startMusementEmulator,
  startMusimapEmulator,
} from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCaptured } from './test-support/run-captured.js';

const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')).version as string;
const occurrences = (text: string, part: string) => text.split(part).length - 1;

describe('auth-check on first use', () => {
  it('--version prints the package version (JSON with --json) and exits 0, with or without a command', async () => {
    const plain = await runCaptured(['--version']);
    expect(plain).toMatchObject({ exitCode: 0, stdout: `auth-check ${version}\n`, stderr: '' });
    const json = await runCaptured(['musimap', '--version', '--json']);
    expect(json.exitCode).toBe(0);
    expect(json.json()).toEqual({ version });
  });

  it('an unknown command is echoed with the closest one, and "see auth-check --help" is said once', async () => {
    const run = await runCaptured(['musimpa']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain(
      'unknown command "musimpa". Did you mean "musimap"? Commands: demo, gomus, musement, musimap.',
    );
    expect(occurrences(run.stderr, '--help')).toBe(1);
  });

  it('an unknown command far from any is echoed with the list; one that looks like a secret is not echoed', async () => {
    expect((await runCaptured(['deploy'])).stderr).toContain('unknown command "deploy". Commands: demo,');
    const pasted = await runCaptured(['gomus-token-0123456789abcdef0123']);
    expect(pasted.stderr).toContain('unknown command (not shown). Commands:');
    expect(pasted.stderr).not.toContain('0123456789abcdef');
  });

  it('an unknown option suggests the closest of the command, and "see auth-check --help" is said once', async () => {
    const run = await runCaptured(['musimap', '--base-ur', 'http://127.0.0.1:1']);
    expect(run.exitCode).toBe(1);
    expect(run.stderr).toContain('--base-ur is not an option of auth-check musimap. Did you mean --base-url?');
    expect(occurrences(run.stderr, '--help')).toBe(1);
  });

  describe('MUSIMAP_BASE_URL and MUSEMENT_BASE_URL', () => {
    let musimap: EmulatorHandle;
    let musement: EmulatorHandle;
    beforeAll(async () => {
      [musimap, musement] = await Promise.all([startMusimapEmulator(), startMusementEmulator()]);
    });
    afterAll(() => Promise.all([musimap.close(), musement.close()]));

    it('auth-check musimap calls MUSIMAP_BASE_URL when --base-url is not given', async () => {
      const run = await runCaptured(['musimap', '--json'], {
        env: {
          MUSIMAP_BASE_URL: musimap.url,
          MUSIMAP_CLIENT_ID: musimapTestCredentials.clientId,
          MUSIMAP_CLIENT_SECRET: musimapTestCredentials.clientSecret,
        },
      });
      expect(run.exitCode).toBe(0);
      expect(run.json()).toMatchObject({ ok: true, baseUrl: musimap.url });
    });

    it('auth-check musement calls MUSEMENT_BASE_URL when neither --base-url nor --sandbox is given', async () => {
      const { clientId, clientSecret, application } = musementTestCredentials;
      const env = {
        MUSEMENT_BASE_URL: musement.url,
        MUSEMENT_CLIENT_ID: clientId,
        MUSEMENT_CLIENT_SECRET: clientSecret,
        MUSEMENT_APPLICATION: application,
      };
      const run = await runCaptured(['musement', '--json'], { env });
      expect(run.exitCode).toBe(0);
      expect(run.json()).toMatchObject({ ok: true, baseUrl: musement.url });
    });
  });
});

import { describe, expect, it } from 'vitest';
import { gomusTestTokens } from './gomus/gomus-test-tokens.js';
import { musementTestCredentials } from './musement/musement-test-credentials.js';
import { runEmulatorCli } from './run-emulator-cli.js';
import { waitUntil } from './shared/wait-until.js';

function capture() {
  const output: string[] = [];
  const errors: string[] = [];
  return {
    output,
    errors,
    terminal: { write: (text: string) => void output.push(text), writeError: (text: string) => void errors.push(text) },
  };
}

describe('auth-emulator', () => {
  it('starts the three emulators, prints URLs and credentials, and stops when asked', async () => {
    const { output, terminal } = capture();
    const controller = new AbortController();
    const exit = runEmulatorCli(['--json'], { ...terminal, signal: controller.signal });
    await waitUntil(() => output.length > 0);
    const listing = JSON.parse(output[0] ?? '');
    expect(listing).toMatchObject({
      gomus: { url: expect.stringMatching(/^http:\/\/127\.0\.0\.1:\d+$/), tokens: gomusTestTokens },
      musement: { apiUrl: expect.stringMatching(/\/api\/v3\/$/), ...musementTestCredentials },
      musimap: { clientId: expect.any(String), clientSecret: expect.any(String) },
    });
    const whoami = await fetch(`${listing.gomus.apiUrl}whoami`, {
      headers: { authorization: `Bearer ${gomusTestTokens.user}` },
    });
    expect(await whoami.json()).toEqual({ access: 'user', museums: [] });
    controller.abort();
    expect(await exit).toBe(0);
    await expect(fetch(`${listing.gomus.apiUrl}whoami`)).rejects.toThrow();
  });

  it('stops by itself after --duration-seconds, printing a readable listing', async () => {
    const { output, terminal } = capture();
    expect(await runEmulatorCli(['--duration-seconds', '0.02'], terminal)).toBe(0);
    const text = output.join('');
    expect(text).toContain(gomusTestTokens.reseller);
    expect(text).toContain(musementTestCredentials.clientSecret);
    expect(text).toMatch(/Musimap {3}http:\/\/127\.0\.0\.1:\d+\//);
    expect(text).toContain('stopped');
  });

  it('prints help, and rejects unknown options with exit code 2', async () => {
    const help = capture();
    expect(await runEmulatorCli(['--help'], help.terminal)).toBe(0);
    expect(help.output.join('')).toContain('--duration-seconds');
    const bad = capture();
    expect(await runEmulatorCli(['--nope'], bad.terminal)).toBe(2);
    expect(await runEmulatorCli(['--duration-seconds', 'soon'], bad.terminal)).toBe(2);
    expect(bad.errors.join('')).toContain('Usage');
  });
});

import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { assertBuilt } from '../../testing/src/test-support/assert-built.js';

const bin = fileURLToPath(new URL('../dist/cli.js', import.meta.url));

function spawnBin(args: string[]): Promise<{ exitCode: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [bin, ...args], { encoding: 'utf8', timeout: 120_000 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : (error as { code?: unknown }).code;
      resolve({ exitCode: typeof code === 'number' ? code : -1, stdout, stderr });
    });
  });
}

describe('the built auth-check bin', () => {
  it('runs the demo as a child process: exit 0, every scenario of every provider passed', async () => {
    assertBuilt(
      ['core', 'gomus', 'musement', 'musimap', 'testing', { name: 'cli', entry: 'dist/cli.js' }],
      'the bin runs as a child process on dist',
    );
    const { exitCode, stdout, stderr } = await spawnBin(['demo']);

    expect(exitCode, `${stdout}\n${stderr}`).toBe(0);
    const block = (title: string) => stdout.slice(stdout.indexOf(title)).split('\n\n')[0] ?? '';
    const expected: Record<string, string[]> = {
      'go~mus (static token)': ['first call', 'cached reuse', 'expiry → rotation', '429 back-off', 'bad credential'],
      'Musement (password grant, rotating refresh tokens)': [
        'first login',
        'cached reuse',
        'expiry → refresh',
        '429 back-off',
        'bad credential',
      ],
      'Musimap (client token, 3 s lifetime in the demo)': [
        'first login',
        'cached reuse',
        'renewal ahead',
        'expiry → new token',
        '429 back-off',
        'bad credential',
      ],
    };
    for (const [title, scenarios] of Object.entries(expected)) {
      const lines = block(title);
      expect(lines, title).not.toBe('');
      for (const scenario of scenarios) expect(lines).toMatch(new RegExp(`^ {2}PASS {2}${scenario} `, 'm'));
      expect(lines).toContain(`${scenarios.length}/${scenarios.length} passed`);
    }
    expect(stdout).not.toContain('FAIL');
    expect(stdout).toContain('All 16 scenarios passed');
    // stderr is a pipe here: plain progress lines, no spinner.
    expect(stderr).toContain('auth-check demo: Musimap · renewal ahead: passed');
    expect(stderr).not.toContain('\u001b[');
  });
});

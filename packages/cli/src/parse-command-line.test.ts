import { describe, expect, it } from 'vitest';
import { parseCommandLine } from './parse-command-line.js';
import { runCaptured } from './test-support/run-captured.js';

describe('the command line', () => {
  it('runs the demo without a command', () => {
    expect(parseCommandLine([])).toMatchObject({ command: 'demo', json: false });
    expect(parseCommandLine(['--json'])).toMatchObject({ command: 'demo', json: true });
  });

  it('reads each command its own options', () => {
    expect(parseCommandLine(['musement', '--sandbox', '--client-id', 'id', '--username=u', '--verbose'])).toMatchObject(
      {
        command: 'musement',
        sandbox: true,
        clientId: 'id',
        username: 'u',
        verbose: true,
      },
    );
    expect(() => parseCommandLine(['gomus', '--client-id', 'id'])).toThrow(
      '--client-id is not an option of auth-check gomus',
    );
    expect(() => parseCommandLine(['demo', '--show-token'])).toThrow(
      '--show-token is not an option of auth-check demo',
    );
  });

  it('never repeats a value in its messages: it might be a pasted secret', () => {
    const pasted = 'pasted-secret-value-1234';
    const attempts = [
      ['musement', `--client-secret=${pasted}`],
      ['musement', '--secret', pasted],
      ['musimap', `--unknown=${pasted}`],
      ['musimap', pasted],
      ['gomus', `-${pasted}`],
      [pasted],
    ];
    for (const argv of attempts) {
      let message = '';
      try {
        parseCommandLine(argv);
      } catch (error) {
        message = (error as Error).message;
      }
      expect(message, argv.join(' ')).not.toBe('');
      expect(message).not.toContain(pasted);
    }
  });

  it('does not mistake an option value for an option', () => {
    expect(parseCommandLine(['musimap', '--environment', 'password', '--client-id', 'x'])).toMatchObject({
      environment: 'password',
      clientId: 'x',
    });
  });

  it('prints help with exit 0 and usage errors with exit 1', async () => {
    const help = await runCaptured(['musement', '--help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('Usage: auth-check');
    expect(help.stdout).toContain('MUSEMENT_CLIENT_SECRET');
    expect(help.stdout).toContain('Exit codes: 0 ok, 1 other error');

    const unknown = await runCaptured(['nope']);
    expect(unknown.exitCode).toBe(1);
    expect(unknown.stderr).toContain('unknown command');
    expect(unknown.stderr).toContain('see auth-check --help');

    const json = await runCaptured(['gomus', '--nope', '--json']);
    expect(json.exitCode).toBe(1);
    expect(json.json()).toMatchObject({ ok: false, exitCode: 1, error: { name: 'UsageError' } });
  });
});

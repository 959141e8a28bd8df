// The demo's progress on stderr, without running the demo: a spinner on a terminal (its frames moved by fake timers),
// one plain line per finished step otherwise.
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createProgress } from './create-progress.js';

afterEach(() => {
  vi.useRealTimers();
});

function stderr(isTTY: boolean) {
  const written: string[] = [];
  return { written, output: { write: (text: string) => void written.push(text), isTTY } };
}

describe('the demo progress', () => {
  it('draws a spinner on a terminal, one frame every 80 ms, and leaves nothing on its line', () => {
    vi.useFakeTimers();
    const { written, output } = stderr(true);
    const progress = createProgress(output);

    progress.start('Musement · expiry → refresh');
    vi.advanceTimersByTime(160);
    progress.finish('Musement · expiry → refresh', true, 12);
    progress.stop();
    vi.advanceTimersByTime(1_000); // stopped: no frame after stop()

    expect(written).toEqual([
      '\r\u001b[2K⠋ Musement · expiry → refresh',
      '\r\u001b[2K⠙ Musement · expiry → refresh',
      '\r\u001b[2K⠹ Musement · expiry → refresh',
      '\r\u001b[2K',
    ]);
    expect(written.join('')).not.toContain('passed (');
  });

  it('prints one plain line per finished step when stderr is not a terminal', () => {
    const { written, output } = stderr(false);
    const progress = createProgress(output);

    progress.start('Musimap · renewal ahead');
    progress.finish('Musimap · renewal ahead', true, 1_234);
    progress.finish('Musimap · bad credential', false, 5);
    progress.stop();

    expect(written).toEqual([
      'auth-check demo: Musimap · renewal ahead: passed (1.23 s)\n',
      'auth-check demo: Musimap · bad credential: FAILED (5 ms)\n',
    ]);
  });
});

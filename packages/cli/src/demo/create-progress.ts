import type { CliOutput } from '../cli-io.js';
import { formatDuration } from '../format-duration.js';

/** Shows which demo step runs: a spinner on a terminal, one plain line per finished step otherwise. */
export interface Progress {
  start(label: string): void;
  /** `outcome`: whether the step passed, or `'skipped'`. */
  finish(label: string, outcome: boolean | 'skipped', durationMs: number): void;
  /** Clears the spinner and stops its timer. Idempotent. */
  stop(): void;
}

const frames = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
const frameMs = 80;
const clearLine = '\r\u001b[2K';

export function createProgress(stderr: CliOutput): Progress {
  if (!stderr.isTTY) {
    return {
      start() {},
      finish(label, outcome, durationMs) {
        const word = outcome === 'skipped' ? 'skipped' : outcome ? 'passed' : 'FAILED';
        stderr.write(`auth-check demo: ${label}: ${word} (${formatDuration(durationMs)})\n`);
      },
      stop() {},
    };
  }
  let current: string | undefined;
  let frame = 0;
  let timer: NodeJS.Timeout | undefined;
  const draw = () => {
    if (current === undefined) return;
    stderr.write(`${clearLine}${frames[frame++ % frames.length]} ${current}`);
  };
  return {
    start(label) {
      current = label;
      draw();
      timer ??= setInterval(draw, frameMs);
      // The spinner must never keep the process alive on its own.
      timer.unref();
    },
    finish() {
      current = undefined;
      stderr.write(clearLine);
    },
    stop() {
      clearInterval(timer);
      timer = undefined;
      if (current !== undefined) stderr.write(clearLine);
      current = undefined;
    },
  };
}

/** The server's wall clock: the real clock plus an adjustable offset. */
export interface EmulatorClock {
  offsetMs: number;
  /** Epoch milliseconds on the server's clock. */
  nowMs(): number;
}

export function createEmulatorClock(): EmulatorClock {
  return {
    offsetMs: 0,
    nowMs() {
      return Date.now() + this.offsetMs;
    },
  };
}

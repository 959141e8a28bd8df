/** Source of the current time (epoch ms). Inject one in tests to move time without sleeping. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = Object.freeze({ now: () => Date.now() });

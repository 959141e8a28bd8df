/** One call of a contender: resolves when the response body has been read. */
export type Call = () => Promise<unknown>;

export interface LoadResult {
  completed: number;
  failed: number;
  elapsedMs: number;
  /** Completed calls per second. */
  throughput: number;
  /** Duration of each completed call, ms, in completion order. */
  latenciesMs: Float64Array;
  /** Start of each completed call, performance.now() ms, same order. */
  startsMs: Float64Array;
  /** First few error messages, for the report. */
  errors: string[];
}

export interface LoadOptions {
  /** Calls kept in flight. */
  concurrency: number;
  /** Stops starting calls after this long. */
  durationMs: number;
}

/** A growable array of doubles, so that long runs do not allocate one object per call. */
class Samples {
  #data = new Float64Array(4096);
  length = 0;
  push(value: number): void {
    if (this.length === this.#data.length) {
      const bigger = new Float64Array(this.#data.length * 2);
      bigger.set(this.#data);
      this.#data = bigger;
    }
    this.#data[this.length++] = value;
  }
  toArray(): Float64Array {
    return this.#data.slice(0, this.length);
  }
}

/** Closed loop: `concurrency` workers each call, wait for the answer, call again, until the time is up. */
export async function runClosedLoop(call: Call, options: LoadOptions): Promise<LoadResult> {
  const latencies = new Samples();
  const starts = new Samples();
  const errors: string[] = [];
  let failed = 0;
  const started = performance.now();
  const endAt = started + options.durationMs;
  const worker = async () => {
    while (performance.now() < endAt) {
      const callStarted = performance.now();
      try {
        await call();
        latencies.push(performance.now() - callStarted);
        starts.push(callStarted);
      } catch (error) {
        failed += 1;
        if (errors.length < 5) errors.push(describe(error));
      }
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  const elapsedMs = performance.now() - started;
  return {
    completed: latencies.length,
    failed,
    elapsedMs,
    throughput: (latencies.length / elapsedMs) * 1000,
    latenciesMs: latencies.toArray(),
    startsMs: starts.toArray(),
    errors,
  };
}

export interface BurstResult {
  completed: number;
  failed: number;
  elapsedMs: number;
  errors: string[];
}

/** `count` calls started at once; resolves when every one has settled. */
export async function runBurst(call: Call, count: number): Promise<BurstResult> {
  const errors: string[] = [];
  let failed = 0;
  const started = performance.now();
  const outcomes = await Promise.allSettled(Array.from({ length: count }, () => call()));
  const elapsedMs = performance.now() - started;
  for (const outcome of outcomes) {
    if (outcome.status === 'fulfilled') continue;
    failed += 1;
    if (errors.length < 5) errors.push(describe(outcome.reason));
  }
  return { completed: count - failed, failed, elapsedMs, errors };
}

/** The value at quantile `q` (0..1) of `values` (nearest rank). */
export function quantile(values: ArrayLike<number>, q: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1));
  return sorted[rank]!;
}

/** The middle value; the mean of the two middle values for an even count. */
export function median(values: ArrayLike<number>): number {
  if (values.length === 0) return Number.NaN;
  const sorted = Float64Array.from(values).sort();
  const middle = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 200);
  return String(error).slice(0, 200);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

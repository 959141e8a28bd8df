import { bareKy, type Contender, type Endpoint, fetchFixedToken, ourClient } from '../contenders.ts';
import { startEmulatorProcess } from '../emulator-process.ts';
import { median, runClosedLoop } from '../load.ts';
import { type Figure, figure, type ScenarioResult } from '../report.ts';

export interface RateLimitSettings {
  /** The emulator's limit R, requests per second per client id (fixed one-second windows). */
  requestsPerSecond: number;
  /** Calls kept in flight, far more than R allows. */
  concurrency: number;
  /** One contender's turn. */
  turnMs: number;
  /** Turns per contender, interleaved. */
  rounds: number;
}

export const rateLimitDefaults: RateLimitSettings = {
  requestsPerSecond: 50,
  concurrency: 16,
  turnMs: 3_000,
  rounds: 2,
};

export const goodputTarget = 0.9;
export const rateLimitedShareTarget = 0.05;

/**
 * Scenario 4: the Musimap emulator limits each client id to R requests per second (token and API requests alike,
 * 429 with Retry-After). Our client without and with `rateLimit: { requestsPerSecond: R }`, and bare ky for reference,
 * call it at a concurrency far above R. Figures: goodput (successful calls per second) / R, and the share of the
 * requests the server received that it answered 429. Each turn starts on fresh windows (the emulator is reset).
 */
export async function runRateLimit(settings: RateLimitSettings = rateLimitDefaults): Promise<ScenarioResult> {
  const started = performance.now();
  const limit = settings.requestsPerSecond;
  const emulator = await startEmulatorProcess('musimap', {
    recordRequests: false,
    rateLimit: { requests: limit, windowMs: 1_000 },
  });
  const endpoint: Endpoint = { kind: 'musimap', url: emulator.url };
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const scenario = `4 rate limit (R = ${limit}/s, c=${settings.concurrency})`;
  try {
    const token = await fetchFixedToken(endpoint);
    // The limited client's requests are timed as they leave, to show its actual pace next to 1000 / R.
    const sentAt: number[] = [];
    const timedFetch: typeof fetch = (input, init) => {
      sentAt.push(performance.now());
      return fetch(input, init);
    };
    const withLimit = ourClient(endpoint, { rateLimit: { requestsPerSecond: limit }, fetch: timedFetch });
    const contenders: Contender[] = [
      { ...ourClient(endpoint), name: 'createMusimapClient, no rateLimit' },
      { ...withLimit, name: `createMusimapClient, rateLimit ${limit}/s` },
      bareKy(endpoint, token),
    ];
    const turns = new Map<Contender, Array<{ goodput: number; share: number; failed: number; errors: string[] }>>(
      contenders.map((contender) => [contender, []]),
    );
    const spacings: number[] = [];
    for (let round = 0; round < settings.rounds; round++) {
      const order = round % 2 === 0 ? contenders : [...contenders].reverse();
      for (const contender of order) {
        await emulator.reset();
        sentAt.length = 0;
        const result = await runClosedLoop(() => contender.call(), {
          concurrency: settings.concurrency,
          durationMs: settings.turnMs,
        });
        for (let index = 1; index < sentAt.length; index++) spacings.push(sentAt[index]! - sentAt[index - 1]!);
        const counters = await emulator.counters();
        const received = counters.apiRequests + counters.tokenRequests;
        turns.get(contender)!.push({
          goodput: result.completed / (result.elapsedMs / 1000),
          share: received === 0 ? 0 : counters.rateLimited / received,
          failed: result.failed,
          errors: result.errors,
        });
      }
    }
    for (const contender of contenders) {
      const mine = turns.get(contender)!;
      const goodput = median(mine.map((turn) => turn.goodput));
      const share = median(mine.map((turn) => turn.share));
      const failed = mine.reduce((sum, turn) => sum + turn.failed, 0);
      const targeted = contender === contenders[1];
      const pace = targeted
        ? `requests left every ${(spacings.reduce((sum, value) => sum + value, 0) / Math.max(1, spacings.length)).toFixed(1)} ms on average (1000 / R = ${(1000 / limit).toFixed(1)} ms)`
        : '';
      const base = { scenario, contender: contender.name };
      figures.push(
        figure(
          {
            ...base,
            figure: 'goodput / R',
            value: Math.round((goodput / limit) * 1000) / 1000,
            note: [
              `${goodput.toFixed(1)} ok/s`,
              pace,
              failed > 0 ? `${failed} calls failed (${mine.flatMap((turn) => turn.errors)[0]})` : '',
            ]
              .filter(Boolean)
              .join('; '),
          },
          targeted ? { min: goodputTarget } : undefined,
        ),
        figure(
          {
            ...base,
            figure: 'share of 429s',
            value: Math.round(share * 1000) / 1000,
            shown: `${(share * 100).toFixed(1)}%`,
          },
          targeted ? { max: rateLimitedShareTarget } : undefined,
        ),
      );
      details[contender.name] = {
        goodput,
        share,
        failed,
        turns: mine,
        ...(targeted
          ? { meanSpacingMs: spacings.reduce((sum, value) => sum + value, 0) / Math.max(1, spacings.length) }
          : {}),
      };
    }
  } finally {
    await emulator.close();
  }
  return { scenario: '4 rate limit', figures, details, durationMs: performance.now() - started };
}

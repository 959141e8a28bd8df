import diagnostics from 'node:diagnostics_channel';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import type { Logger } from '@auth/core';
import { collectGarbage, watchGarbageCollection } from '../collect-garbage.ts';
import {
  axiosAuthRefresh,
  type Contender,
  type Endpoint,
  kyRefreshRecipe,
  type Observer,
  ourClient,
} from '../contenders.ts';
import { startEmulatorProcess } from '../emulator-process.ts';
import { quantile, runClosedLoop } from '../load.ts';
import { type Figure, figure, type ScenarioResult } from '../report.ts';

export interface ExpirySettings {
  /** Lifetime of every token the emulator issues. */
  tokenLifetimeMs: number;
  /** Sustained calls per contender. */
  durationMs: number;
  /** Calls kept in flight. */
  concurrency: number;
  /** Unmeasured calls at the same concurrency first (opens the connections). */
  warmupMs: number;
}

export const expiryDefaults: ExpirySettings = {
  tokenLifetimeMs: 2_000,
  durationMs: 20_000,
  concurrency: 32,
  warmupMs: 500,
};

/** p99 of calls that overlapped a token request, at most this multiple of the p99 of the others. */
export const expiryP99Target = 1.1;

interface Recorder extends Observer {
  exchanges: Array<[number, number]>;
  /** When each 401 was answered (performance.now()). */
  unauthorizedAt: number[];
  /** Events of warn level and above from our client's logger (e.g. token.refresh_failed). */
  warnings: string[];
  unauthorizedCalls: Set<string>;
  unauthorizedUnknown: number;
}

function createRecorder(): Recorder {
  const recorder: Recorder = {
    exchanges: [],
    unauthorizedAt: [],
    warnings: [],
    unauthorizedCalls: new Set(),
    unauthorizedUnknown: 0,
    tokenExchange: (startMs, endMs) => void recorder.exchanges.push([startMs, endMs]),
    unauthorized(callId) {
      recorder.unauthorizedAt.push(performance.now());
      if (callId === undefined) recorder.unauthorizedUnknown += 1;
      else recorder.unauthorizedCalls.add(callId);
    },
  };
  return recorder;
}

/**
 * Scenario 3: tokens live `tokenLifetimeMs`; each contender (a new instance) calls the Musimap emulator without pause
 * for `durationMs`. Figures: 401s the server sent; calls that waited on a refresh (their first attempt got a 401, or
 * they started while the newest token the contender had received was already expired, so they could only wait); and
 * the p99 of calls that overlapped a token request divided by the p99 of calls that overlapped windows as long a
 * quarter lifetime away (steady state, selected with the same bias towards long calls).
 */
export async function runExpiry(settings: ExpirySettings = expiryDefaults): Promise<ScenarioResult> {
  const started = performance.now();
  const emulator = await startEmulatorProcess('musimap', {
    recordRequests: false,
    tokenLifetimeSeconds: settings.tokenLifetimeMs / 1000,
  });
  const endpoint: Endpoint = { kind: 'musimap', url: emulator.url };
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const scenario = `3 expiry (${settings.tokenLifetimeMs / 1000} s tokens, ${settings.durationMs / 1000} s, c=${settings.concurrency})`;
  const factories: Array<(recorder: Recorder) => Contender> = [
    (recorder) => ourClient(endpoint, { logger: warningLogger(recorder) }, recorder),
    (observer) => kyRefreshRecipe(endpoint, observer),
    (observer) => axiosAuthRefresh(endpoint, observer),
  ];
  try {
    for (const create of factories) {
      const recorder = createRecorder();
      const contender = create(recorder);
      // Warm: the first token and the connections, so that the run measures expiry, not the cold start.
      await contender.call();
      await runClosedLoop(() => contender.call(), { concurrency: settings.concurrency, durationMs: settings.warmupMs });
      await emulator.reset();
      // The warm-up's token exchange stays recorded: calls of the run start out holding its token.
      recorder.unauthorizedCalls.clear();
      recorder.unauthorizedAt.length = 0;
      recorder.unauthorizedUnknown = 0;
      // A stalled process (GC, a busy machine) cannot renew in time: measured, to tell such a stall from a bug.
      collectGarbage();
      const garbage = watchGarbageCollection();
      const loopDelay = monitorEventLoopDelay({ resolution: 10 });
      loopDelay.enable();
      await emulator.maxLoopDelayMs();
      const connections = watchConnections();
      let nextId = 0;
      const ids: string[] = [];
      const result = await runClosedLoop(
        () => {
          const id = String(nextId++);
          return contender.call({ 'x-bench-call': id }).then(() => void ids.push(id));
        },
        { concurrency: settings.concurrency, durationMs: settings.durationMs },
      );
      loopDelay.disable();
      connections.stop();
      const collections = garbage.stop();
      const maxLoopDelayMs = loopDelay.max / 1e6;
      const serverMaxLoopDelayMs = await emulator.maxLoopDelayMs();
      const counters = await emulator.counters();
      const analysis = analyse(result.startsMs, result.latenciesMs, ids, recorder, settings.tokenLifetimeMs);
      const ours = contender.role === 'ours';
      const base = { scenario, contender: contender.name };
      const failures = result.failed > 0 ? `${result.failed} calls failed (${result.errors[0]})` : '';
      figures.push(
        figure(
          {
            ...base,
            figure: '401s seen by the server',
            value: counters.unauthorized,
            note: [
              `${counters.tokenRequests} token requests, ${result.completed} calls`,
              describeUnauthorized(recorder, settings.tokenLifetimeMs),
              `longest token exchange ${analysis.longestExchangeMs.toFixed(0)} ms; longest event-loop stall ${maxLoopDelayMs.toFixed(0)} ms here (longest GC pause ${collections.longestPauseMs.toFixed(0)} ms), ${serverMaxLoopDelayMs.toFixed(0)} ms in the emulator; ${connections.opened} new connections (slowest connect ${connections.slowestMs.toFixed(0)} ms)`,
              recorder.warnings.length > 0 ? `client warnings: ${[...new Set(recorder.warnings)].join(', ')}` : '',
            ]
              .filter(Boolean)
              .join('; '),
          },
          ours ? { exactly: 0 } : undefined,
        ),
        figure(
          {
            ...base,
            figure: 'calls that waited on a refresh',
            value: analysis.waited,
            note: [`${analysis.unauthorizedCalls} after a 401, ${analysis.tokenless} with no valid token`, failures]
              .filter(Boolean)
              .join('; '),
          },
          ours ? { exactly: 0 } : undefined,
        ),
        figure(
          {
            ...base,
            figure: 'p99 during refresh / steady p99',
            value: Number.isFinite(analysis.ratio) ? Math.round(analysis.ratio * 1000) / 1000 : null,
            note: `${analysis.duringP99.toFixed(1)} ms over ${analysis.duringCount} calls vs ${analysis.steadyP99.toFixed(1)} ms over ${analysis.steadyCount} (windows as long, ±${settings.tokenLifetimeMs / 4} ms away); all calls ${analysis.allP99.toFixed(1)} ms`,
          },
          ours ? { max: expiryP99Target } : undefined,
        ),
      );
      details[contender.name] = {
        counters,
        completed: result.completed,
        failed: result.failed,
        errors: result.errors,
        tokenExchanges: recorder.exchanges.length,
        maxLoopDelayMs,
        serverMaxLoopDelayMs,
        longestGcPauseMs: collections.longestPauseMs,
        newConnections: connections.opened,
        slowestConnectMs: connections.slowestMs,
        warnings: recorder.warnings,
        unauthorizedEpisodes: unauthorizedEpisodes(recorder, settings.tokenLifetimeMs),
        ...analysis,
      };
    }
  } finally {
    await emulator.close();
  }
  return { scenario: '3 expiry', figures, details, durationMs: performance.now() - started };
}

interface ExpiryAnalysis {
  longestExchangeMs: number;
  waited: number;
  unauthorizedCalls: number;
  tokenless: number;
  duringCount: number;
  steadyCount: number;
  duringP99: number;
  steadyP99: number;
  allP99: number;
  ratio: number;
}

/** Classifies each completed call against the token requests observed on the client side. */
export function analyse(
  startsMs: Float64Array,
  latenciesMs: Float64Array,
  ids: string[],
  recorder: Recorder,
  lifetimeMs: number,
): ExpiryAnalysis {
  const exchanges = [...recorder.exchanges].sort((a, b) => a[0] - b[0]);
  const answered = exchanges.map(([, end]) => end).sort((a, b) => a - b);
  const during: number[] = [];
  const steady: number[] = [];
  let tokenless = 0;
  let waited = 0;
  const overlapsExchange = new Uint8Array(startsMs.length);
  for (let index = 0; index < startsMs.length; index++) {
    const start = startsMs[index]!;
    const end = start + latenciesMs[index]!;
    // The newest token received before this call started, and whether it was still valid then.
    const newest = lastAtOrBefore(answered, start);
    const noValidToken = newest === undefined || start >= newest + lifetimeMs;
    const had401 = recorder.unauthorizedCalls.has(ids[index]!);
    if (noValidToken) tokenless += 1;
    if (noValidToken || had401) waited += 1;
    if (exchanges.some(([from, to]) => from < end && to > start)) {
      overlapsExchange[index] = 1;
      during.push(latenciesMs[index]!);
    }
  }
  // The reference: calls overlapping windows as long as each token request (merged where they overlap), a quarter
  // lifetime earlier and later, where none runs. Calls selected by overlapping a window are biased towards long ones
  // (a long call overlaps more windows); the reference is selected the same way, at nearly the same moment.
  const shift = lifetimeMs / 4;
  const controls = mergeIntervals(exchanges).flatMap(
    ([from, to]): Array<[number, number]> => [
      [from - shift, to - shift],
      [from + shift, to + shift],
    ],
  );
  for (let index = 0; index < startsMs.length; index++) {
    if (overlapsExchange[index] === 1) continue;
    const start = startsMs[index]!;
    const end = start + latenciesMs[index]!;
    for (const [from, to] of controls) if (from < end && to > start) steady.push(latenciesMs[index]!);
  }
  const duringP99 = quantile(during, 0.99);
  const steadyP99 = quantile(steady, 0.99);
  return {
    longestExchangeMs: Math.max(0, ...exchanges.map(([from, to]) => to - from)),
    waited,
    unauthorizedCalls: recorder.unauthorizedCalls.size,
    tokenless,
    duringCount: during.length,
    steadyCount: steady.length,
    duringP99,
    steadyP99,
    allP99: quantile(latenciesMs, 0.99),
    ratio: during.length === 0 ? Number.NaN : duringP99 / steadyP99,
  };
}

/** Overlapping or touching intervals merged, in order. */
function mergeIntervals(intervals: Array<[number, number]>): Array<[number, number]> {
  const merged: Array<[number, number]> = [];
  for (const [from, to] of [...intervals].sort((a, b) => a[0] - b[0])) {
    const last = merged.at(-1);
    if (last && from <= last[1]) last[1] = Math.max(last[1], to);
    else merged.push([from, to]);
  }
  return merged;
}

function lastAtOrBefore(sorted: number[], value: number): number | undefined {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (sorted[middle]! <= value) low = middle + 1;
    else high = middle;
  }
  return low === 0 ? undefined : sorted[low - 1];
}

/** A logger that keeps only what our client reports at warn level and above (e.g. a failed background renewal). */
function warningLogger(recorder: Recorder): Logger {
  const keep = (record: object, message?: string) => {
    const event = (record as { event?: unknown }).event;
    recorder.warnings.push(typeof event === 'string' ? event : (message ?? 'warning'));
  };
  const ignore = () => undefined;
  return { debug: ignore, info: ignore, warn: keep, error: keep };
}

interface UnauthorizedEpisode {
  /** 401s answered within 100 ms of each other. */
  count: number;
  /** Age of the newest token received before the first 401 of the episode, ms. */
  tokenAgeMs: number;
}

/** Groups 401s into episodes and says how old the newest token was when each began. */
function unauthorizedEpisodes(recorder: Recorder, lifetimeMs: number): UnauthorizedEpisode[] {
  const answered = recorder.exchanges.map(([, end]) => end).sort((a, b) => a - b);
  const episodes: Array<UnauthorizedEpisode & { lastAt: number }> = [];
  for (const at of [...recorder.unauthorizedAt].sort((a, b) => a - b)) {
    const last = episodes.at(-1);
    if (last && at - last.lastAt < 100) {
      last.count += 1;
      last.lastAt = at;
      continue;
    }
    const newest = lastAtOrBefore(answered, at);
    episodes.push({ count: 1, tokenAgeMs: newest === undefined ? lifetimeMs : Math.round(at - newest), lastAt: at });
  }
  return episodes.map(({ count, tokenAgeMs }) => ({ count, tokenAgeMs }));
}

function describeUnauthorized(recorder: Recorder, lifetimeMs: number): string {
  const episodes = unauthorizedEpisodes(recorder, lifetimeMs);
  if (episodes.length === 0) return '';
  const shown = episodes.slice(0, 3).map((episode) => `${episode.count} at token age ${episode.tokenAgeMs} ms`);
  return `401 episodes: ${shown.join(', ')}${episodes.length > 3 ? `, … (${episodes.length})` : ''}`;
}

/** Counts the connections Node's fetch opens meanwhile and the slowest connect (undici's diagnostics channels). */
function watchConnections() {
  // Connects are matched in the order they began: undici publishes a fresh object on each channel.
  const pending: number[] = [];
  const watch = { opened: 0, slowestMs: 0 };
  const before = () => void pending.push(performance.now());
  const connected = () => {
    const at = pending.shift();
    watch.opened += 1;
    if (at !== undefined) watch.slowestMs = Math.max(watch.slowestMs, performance.now() - at);
  };
  diagnostics.subscribe('undici:client:beforeConnect', before);
  diagnostics.subscribe('undici:client:connected', connected);
  return {
    get opened() {
      return watch.opened;
    },
    get slowestMs() {
      return watch.slowestMs;
    },
    stop() {
      diagnostics.unsubscribe('undici:client:beforeConnect', before);
      diagnostics.unsubscribe('undici:client:connected', connected);
    },
  };
}

import { openTelemetry } from '@auth/core/opentelemetry';
import { MeterProvider } from '@opentelemetry/sdk-metrics';
import { BasicTracerProvider, SimpleSpanProcessor } from '@opentelemetry/sdk-trace-base';
import {
  axiosAuthRefresh,
  bareFetch,
  bareKy,
  type Contender,
  type Endpoint,
  fetchFixedToken,
  kyEngineFloor,
  kyRefreshRecipe,
  kyWithNoopAfterResponse,
  ourClient,
} from '../contenders.ts';
import { type EmulatorKind, startEmulatorProcess } from '../emulator-process.ts';
import { median, quantile, runClosedLoop } from '../load.ts';
import { type Figure, figure, type ScenarioResult } from '../report.ts';

export interface OverheadSettings {
  /** Calls kept in flight. */
  concurrency: number;
  /** Length of one contender's turn in a round. */
  turnMs: number;
  /** Measured rounds; each runs every contender once (order reversed every other round). */
  rounds: number;
  /** Rounds run first and discarded. */
  warmupRounds: number;
  /** Providers measured; Musimap also runs the alternatives. */
  providers: EmulatorKind[];
}

export const overheadDefaults: OverheadSettings = {
  concurrency: 64,
  turnMs: 250,
  rounds: 16,
  warmupRounds: 1,
  providers: ['musimap', 'musement', 'gomus'],
};

/** Our clients must keep this share of bare ky's throughput. */
export const overheadTarget = 0.97;

interface Turn {
  throughput: number;
  /** CPU time of this (the client) process per completed call, µs: steadier than throughput on a shared machine. */
  cpuMicrosecondsPerCall: number;
  p50Ms: number;
  p99Ms: number;
  failed: number;
  errors: string[];
}

/**
 * Scenario 1: keep-alive GETs at a fixed concurrency against one emulator (in its own process). Every contender runs a
 * turn per round, rounds interleaved (A B C … then … C B A), the first discarded; the figure is the median over rounds
 * of each contender's throughput divided by bare ky's in the same round.
 */
export async function runOverhead(settings: OverheadSettings = overheadDefaults): Promise<ScenarioResult> {
  const started = performance.now();
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  for (const kind of settings.providers) {
    const emulator = await startEmulatorProcess(kind, { recordRequests: false });
    try {
      const endpoint: Endpoint = { kind, url: emulator.url };
      const token = await fetchFixedToken(endpoint);
      const contenders: Contender[] = [
        bareFetch(endpoint, token),
        bareKy(endpoint, token),
        ourClient(endpoint),
        kyEngineFloor(endpoint, token),
      ];
      if (kind === 'musimap') {
        contenders.push(
          kyRefreshRecipe(endpoint),
          axiosAuthRefresh(endpoint),
          kyWithNoopAfterResponse(endpoint, token),
          // The OpenTelemetry API installed but no SDK registered (every call the API's no-op), then an SDK recording.
          ourClient(endpoint, { telemetry: openTelemetry() }, undefined, ' + openTelemetry() without SDK'),
          ourClient(endpoint, { telemetry: openTelemetry(recordingSdk()) }, undefined, ' + openTelemetry() with SDK'),
        );
      }
      const turns = new Map<Contender, Turn[]>(contenders.map((contender) => [contender, []]));
      for (let round = 0; round < settings.warmupRounds + settings.rounds; round++) {
        const order = round % 2 === 0 ? contenders : [...contenders].reverse();
        for (const contender of order) {
          const cpuBefore = process.cpuUsage();
          const result = await runClosedLoop(() => contender.call(), {
            concurrency: settings.concurrency,
            durationMs: settings.turnMs,
          });
          const cpu = process.cpuUsage(cpuBefore);
          if (round < settings.warmupRounds) continue;
          turns.get(contender)!.push({
            throughput: result.throughput,
            cpuMicrosecondsPerCall: (cpu.user + cpu.system) / Math.max(1, result.completed),
            p50Ms: quantile(result.latenciesMs, 0.5),
            p99Ms: quantile(result.latenciesMs, 0.99),
            failed: result.failed,
            errors: result.errors,
          });
        }
      }
      const ky = turns.get(contenders[1]!)!;
      const ours = turns.get(contenders[2]!)!;
      const floor = turns.get(contenders[3]!)!;
      const scenario = `1 overhead (${kind}, c=${settings.concurrency})`;
      const providerDetails: Record<string, unknown> = {};
      for (const contender of contenders) {
        const mine = turns.get(contender)!;
        const ratio = median(mine.map((turn, index) => turn.throughput / ky[index]!.throughput));
        const throughput = median(mine.map((turn) => turn.throughput));
        const p50 = median(mine.map((turn) => turn.p50Ms));
        const p99 = median(mine.map((turn) => turn.p99Ms));
        const cpu = median(mine.map((turn) => turn.cpuMicrosecondsPerCall));
        const kyCpu = median(ky.map((turn) => turn.cpuMicrosecondsPerCall));
        const failed = mine.reduce((sum, turn) => sum + turn.failed, 0);
        const base = { scenario, contender: contender.name };
        const note = [
          `${Math.round(throughput)} req/s, p50 ${p50.toFixed(1)} ms, p99 ${p99.toFixed(1)} ms, client CPU ${Math.round(cpu)} µs/call (${(cpu / kyCpu).toFixed(2)}× ky)`,
          failed > 0 ? `${failed} failed: ${mine.flatMap((turn) => turn.errors)[0]}` : '',
        ]
          .filter(Boolean)
          .join('; ');
        figures.push(
          figure(
            { ...base, figure: 'throughput / bare ky', value: round3(ratio), note },
            contender.role === 'ours' ? { min: overheadTarget } : undefined,
          ),
        );
        if (contender.role === 'ours') {
          // The same throughput against ky configured as the engine configures it: what our own code costs.
          const floorRatio = median(mine.map((turn, index) => turn.throughput / floor[index]!.throughput));
          figures.push(
            figure({
              ...base,
              figure: 'throughput / engine floor',
              value: round3(floorRatio),
              note: "against ky given the engine's options, each doing nothing (bench/src/engine-floor.ts)",
            }),
          );
        }
        if (contender.name.includes('openTelemetry()')) {
          // CPU per call against the same client without telemetry, turn by turn (same round, same machine load).
          const cpuRatio = median(
            mine.map((turn, index) => turn.cpuMicrosecondsPerCall / ours[index]!.cpuMicrosecondsPerCall),
          );
          figures.push(
            figure(
              {
                ...base,
                figure: 'client CPU / without telemetry',
                value: round3(cpuRatio),
                note: 'same client, no telemetry option',
              },
              contender.name.includes('without SDK') ? { max: otelNoSdkTarget } : undefined,
            ),
          );
        }
        providerDetails[contender.name] = {
          ratioToKy: ratio,
          throughput,
          p50Ms: p50,
          p99Ms: p99,
          cpuMicrosecondsPerCall: cpu,
          failed,
          turns: mine,
        };
      }
      details[kind] = providerDetails;
    } finally {
      await emulator.close();
    }
  }
  return { scenario: '1 overhead', figures, details, durationMs: performance.now() - started };
}

const round3 = (value: number) => Math.round(value * 1000) / 1000;

/** The OpenTelemetry API with no SDK must cost nothing measurable: within 2% of the client without it. */
const otelNoSdkTarget = 1.02;

/** An SDK that records every span and metric, exporting to nowhere: what recording itself costs. */
function recordingSdk() {
  const discard = {
    export: (_spans: unknown, done: (result: { code: 0 }) => void) => done({ code: 0 }),
    shutdown: async () => {},
  };
  return {
    tracerProvider: new BasicTracerProvider({ spanProcessors: [new SimpleSpanProcessor(discard as never)] }),
    meterProvider: new MeterProvider(),
  };
}

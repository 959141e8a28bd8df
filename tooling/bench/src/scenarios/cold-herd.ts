import { axiosAuthRefresh, type Contender, type Endpoint, kyRefreshRecipe, ourClient } from '../contenders.ts';
import { startEmulatorProcess } from '../emulator-process.ts';
import { median, runBurst } from '../load.ts';
import { type Figure, figure, type ScenarioResult } from '../report.ts';

export interface ColdHerdSettings {
  /** Calls started at once. */
  burst: number;
  /** Measured cold/warm pairs (ABBA order); one more pair runs first as warm-up. */
  repetitions: number;
}

export const coldHerdDefaults: ColdHerdSettings = { burst: 10_000, repetitions: 5 };

/** At most this ratio of cold-burst time to warm-burst time. */
export const coldHerdRatioTarget = 1.1;

interface Burst {
  tokenRequests: number;
  elapsedMs: number;
  failed: number;
  errors: string[];
}

/**
 * Scenario 2: `burst` calls at once on a client with an empty token cache (a new client), against the Musimap
 * emulator in its own process: token requests the emulator saw, and the time to finish compared with the same burst on
 * a client that already holds a token. Ours run cold/warm pairs in ABBA order; the alternatives then run cold once per
 * repetition (each a new instance, starting without a token) and warm (the same instance again).
 */
export async function runColdHerd(settings: ColdHerdSettings = coldHerdDefaults): Promise<ScenarioResult> {
  const started = performance.now();
  const emulator = await startEmulatorProcess('musimap', { recordRequests: false });
  const endpoint: Endpoint = { kind: 'musimap', url: emulator.url };
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const scenario = `2 cold herd (${settings.burst} at once)`;
  try {
    const burst = async (contender: Contender): Promise<Burst> => {
      const before = (await emulator.counters()).tokenRequests;
      const result = await runBurst(() => contender.call(), settings.burst);
      const after = (await emulator.counters()).tokenRequests;
      return {
        tokenRequests: after - before,
        elapsedMs: result.elapsedMs,
        failed: result.failed,
        errors: result.errors,
      };
    };
    const factories: Array<() => Contender> = [
      () => ourClient(endpoint),
      () => kyRefreshRecipe(endpoint),
      () => axiosAuthRefresh(endpoint),
    ];
    for (const create of factories) {
      const cold: Burst[] = [];
      const warm: Burst[] = [];
      let name = '';
      let role = '';
      for (let repetition = 0; repetition <= settings.repetitions; repetition++) {
        // ABBA: cold then warm, then warm (on the previous client) then cold, so neither always goes first.
        let contender = create();
        name = contender.name;
        role = contender.role;
        const pair: Array<'cold' | 'warm'> = repetition % 2 === 0 ? ['cold', 'warm'] : ['warm', 'cold'];
        let measuredCold: Burst | undefined;
        let measuredWarm: Burst | undefined;
        for (const which of pair) {
          if (which === 'warm') {
            // A client holding a token: the previous cold client, or prime this one first.
            if (measuredCold === undefined) await contender.call();
            measuredWarm = await burst(contender);
          } else {
            if (measuredWarm !== undefined) contender = create();
            measuredCold = await burst(contender);
          }
        }
        if (repetition === 0) continue;
        cold.push(measuredCold!);
        warm.push(measuredWarm!);
      }
      const ratio = median(cold.map((run, index) => run.elapsedMs / warm[index]!.elapsedMs));
      const tokenRequests = cold.map((run) => run.tokenRequests);
      const failed = cold.reduce((sum, run) => sum + run.failed, 0);
      const worstTokens = Math.max(...tokenRequests);
      const ours = role === 'ours';
      const spread = Math.min(...tokenRequests) === worstTokens ? '' : `per repetition: ${tokenRequests.join(', ')}`;
      const failures =
        failed > 0
          ? `${failed} of ${settings.burst * cold.length} cold calls failed (${cold.flatMap((run) => run.errors)[0]})`
          : '';
      figures.push(
        figure(
          {
            scenario,
            contender: name,
            figure: 'token requests (cold burst, worst)',
            value: worstTokens,
            note: [spread, failures].filter(Boolean).join('; '),
          },
          ours ? { exactly: 1 } : undefined,
        ),
        figure(
          {
            scenario,
            contender: name,
            figure: 'time cold / time warm',
            value: Math.round(ratio * 1000) / 1000,
            note: `cold ${median(cold.map((run) => run.elapsedMs)).toFixed(0)} ms, warm ${median(warm.map((run) => run.elapsedMs)).toFixed(0)} ms`,
          },
          ours ? { max: coldHerdRatioTarget } : undefined,
        ),
      );
      details[name] = { cold, warm, ratio };
    }
  } finally {
    await emulator.close();
  }
  return { scenario: '2 cold herd', figures, details, durationMs: performance.now() - started };
}

import { limitedHttpAgent, withFetchConnectionLimit } from '../connection-limit.ts';
import { axiosAuthRefresh, type Contender, type Endpoint, kyRefreshRecipe, ourClient } from '../contenders.ts';
import { type EmulatorProcess, startEmulatorProcess } from '../emulator-process.ts';
import { median, runBurst } from '../load.ts';
import { type Figure, figure, type ScenarioResult } from '../report.ts';

export interface ColdHerdSettings {
  /** Calls started at once. */
  burst: number;
  /** Cold/warm pairs of our client, in ABBA order. */
  repetitions: number;
  /** Cold/warm pairs of each alternative. */
  alternativeRepetitions: number;
  /** Connections per origin, the same for every contender (see connection-limit.ts). */
  connections: number;
}

export const coldHerdDefaults: ColdHerdSettings = {
  burst: 10_000,
  repetitions: 4,
  alternativeRepetitions: 1,
  connections: 256,
};

/** At most this ratio of cold-burst time to warm-burst time. */
export const coldHerdRatioTarget = 1.1;

interface Burst {
  tokenRequests: number;
  elapsedMs: number;
  failed: number;
  errors: string[];
}

/**
 * Scenario 2: `burst` calls at once on a client with an empty token cache (a new instance), against the Musimap
 * emulator in its own process: token requests the emulator saw, and the time to finish divided by the time of the
 * same burst on an instance that already holds a token. Ours run cold/warm pairs in ABBA order after one discarded
 * warm burst (which also opens the connections); each alternative then runs its pairs, cold first.
 */
export async function runColdHerd(settings: ColdHerdSettings = coldHerdDefaults): Promise<ScenarioResult> {
  const started = performance.now();
  const emulator = await startEmulatorProcess('musimap', { recordRequests: false });
  const endpoint: Endpoint = { kind: 'musimap', url: emulator.url };
  const agent = limitedHttpAgent(settings.connections);
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const scenario = `2 cold herd (${settings.burst} at once, ${settings.connections} connections)`;
  try {
    await withFetchConnectionLimit(settings.connections, emulator.url, async () => {
      const warmUp = ourClient(endpoint);
      await warmUp.call();
      await measure(emulator, warmUp, settings.burst);
      const contenders: Array<{ create: () => Contender; repetitions: number }> = [
        { create: () => ourClient(endpoint), repetitions: settings.repetitions },
        { create: () => kyRefreshRecipe(endpoint), repetitions: settings.alternativeRepetitions },
        { create: () => axiosAuthRefresh(endpoint, undefined, agent), repetitions: settings.alternativeRepetitions },
      ];
      for (const { create, repetitions } of contenders) {
        const { name, role, cold, warm } = await runPairs(emulator, create, repetitions, settings.burst);
        figures.push(...describePairs(scenario, name, role === 'ours', cold, warm, settings.burst));
        details[name] = { cold, warm };
      }
    });
  } finally {
    agent.destroy();
    await emulator.close();
  }
  return { scenario: '2 cold herd', figures, details, durationMs: performance.now() - started };
}

async function measure(emulator: EmulatorProcess, contender: Contender, count: number): Promise<Burst> {
  const before = (await emulator.counters()).tokenRequests;
  const result = await runBurst(() => contender.call(), count);
  const after = (await emulator.counters()).tokenRequests;
  return { tokenRequests: after - before, elapsedMs: result.elapsedMs, failed: result.failed, errors: result.errors };
}

/** Cold/warm pairs; ABBA: even pairs run cold then warm, odd ones warm (on the previous instance) then cold. */
async function runPairs(emulator: EmulatorProcess, create: () => Contender, repetitions: number, count: number) {
  const cold: Burst[] = [];
  const warm: Burst[] = [];
  let contender = create();
  let holdsToken = false;
  for (let repetition = 0; repetition < repetitions; repetition++) {
    const order: Array<'cold' | 'warm'> = repetition % 2 === 0 ? ['cold', 'warm'] : ['warm', 'cold'];
    for (const which of order) {
      if (which === 'cold') {
        contender = create();
        cold.push(await measure(emulator, contender, count));
        holdsToken = true;
      } else {
        if (!holdsToken) await contender.call();
        warm.push(await measure(emulator, contender, count));
        holdsToken = true;
      }
    }
  }
  return { name: contender.name, role: contender.role, cold, warm };
}

function describePairs(
  scenario: string,
  contender: string,
  ours: boolean,
  cold: Burst[],
  warm: Burst[],
  burst: number,
): Figure[] {
  const ratio = median(cold.map((run, index) => run.elapsedMs / warm[index]!.elapsedMs));
  const tokenRequests = cold.map((run) => run.tokenRequests);
  const worst = Math.max(...tokenRequests);
  const failedCold = cold.reduce((sum, run) => sum + run.failed, 0);
  const failedWarm = warm.reduce((sum, run) => sum + run.failed, 0);
  const spread = Math.min(...tokenRequests) === worst ? '' : `per burst: ${tokenRequests.join(', ')}`;
  const failures = [
    failedCold > 0
      ? `${failedCold} of ${burst * cold.length} cold calls failed (${cold.flatMap((run) => run.errors)[0]})`
      : '',
    failedWarm > 0
      ? `${failedWarm} of ${burst * warm.length} warm calls failed (${warm.flatMap((run) => run.errors)[0]})`
      : '',
  ];
  return [
    figure(
      {
        scenario,
        contender,
        figure: 'token requests (cold burst, worst)',
        value: worst,
        note: [spread, ...failures].filter(Boolean).join('; '),
      },
      ours ? { exactly: 1 } : undefined,
    ),
    figure(
      {
        scenario,
        contender,
        figure: 'time cold / time warm',
        value: Math.round(ratio * 1000) / 1000,
        note: `cold ${median(cold.map((run) => run.elapsedMs)).toFixed(0)} ms, warm ${median(warm.map((run) => run.elapsedMs)).toFixed(0)} ms (medians of ${cold.length})`,
      },
      ours ? { max: coldHerdRatioTarget } : undefined,
    ),
  ];
}

import { describeError } from '../describe-error.js';
import type { Progress } from './create-progress.js';
import { countersSince, type ProviderDemo, ScenarioFailure, ScenarioSkipped } from './scenario.js';

export interface ScenarioReport {
  name: string;
  /** False when it failed or was skipped. */
  passed: boolean;
  /** It could not run here (`detail` says why): neither passed nor failed. */
  skipped: boolean;
  /** What happened, why it failed, or why it was skipped. */
  detail: string;
  durationMs: number;
  /** Requests the emulator received during the scenario. */
  tokenRequests: number;
  apiRequests: number;
}

export interface ProviderReport {
  provider: ProviderDemo['provider'];
  title: string;
  url: string;
  /** No scenario failed (skipped ones do not count). */
  passed: boolean;
  durationMs: number;
  /** Totals the emulator counted over the whole flow. */
  tokenRequests: number;
  apiRequests: number;
  scenarios: ScenarioReport[];
}

/**
 * Runs a provider's scenarios in order; a failed one is reported and the next ones still run. A scenario that throws
 * `ScenarioSkipped` is reported as skipped, with the reason as its detail.
 */
export async function runScenarios(demo: ProviderDemo, progress: Progress): Promise<ProviderReport> {
  const started = performance.now();
  const total = countersSince(demo.emulator);
  const scenarios: ScenarioReport[] = [];
  for (const scenario of demo.scenarios) {
    const label = `${demo.title.split(' (')[0]} · ${scenario.name}`;
    progress.start(label);
    const counters = countersSince(demo.emulator);
    const scenarioStarted = performance.now();
    let passed = true;
    let skipped = false;
    let detail: string;
    try {
      detail = await scenario.run();
    } catch (error) {
      passed = false;
      skipped = error instanceof ScenarioSkipped;
      detail =
        error instanceof ScenarioFailure || error instanceof ScenarioSkipped
          ? error.message
          : `unexpected ${describeError(error).message}`;
    }
    const durationMs = performance.now() - scenarioStarted;
    progress.finish(label, skipped ? 'skipped' : passed, durationMs);
    const { tokenRequests, apiRequests } = counters();
    scenarios.push({ name: scenario.name, passed, skipped, detail, durationMs, tokenRequests, apiRequests });
  }
  const { tokenRequests, apiRequests } = total();
  return {
    provider: demo.provider,
    title: demo.title,
    url: demo.emulator.url,
    passed: scenarios.every((scenario) => scenario.passed || scenario.skipped),
    durationMs: performance.now() - started,
    tokenRequests,
    apiRequests,
    scenarios,
  };
}

import type { Logger } from '@auth/core';
import type { CliIo } from '../cli-io.js';
import { exitCodes } from '../exit-codes.js';
import { createProgress } from './create-progress.js';
import { startGomusDemo } from './gomus-demo.js';
import { startMusementDemo } from './musement-demo.js';
import { startMusimapDemo } from './musimap-demo.js';
import { demoHeading, renderDemoSummary, renderProviderReport } from './render-demo-report.js';
import { type ProviderReport, runScenarios } from './run-scenarios.js';
import type { ProviderDemo } from './scenario.js';

export interface DemoOptions {
  io: CliIo;
  json: boolean;
  logger: Logger | undefined;
}

/**
 * `auth-check demo`: starts the three emulators in-process, runs each provider's flow against them, checking every
 * step on the emulator's counters, prints a report, and closes the emulators. Exit code 0 only if every step passed.
 */
export async function runDemo({ io, json, logger }: DemoOptions): Promise<number> {
  const started = performance.now();
  const starting = await Promise.allSettled([
    startGomusDemo(logger),
    startMusementDemo(logger),
    startMusimapDemo(logger),
  ]);
  const demos = starting.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []));
  const progress = createProgress(io.stderr);
  try {
    const failedStart = starting.find((result) => result.status === 'rejected');
    if (failedStart) throw failedStart.reason;
    if (!json) io.stdout.write(demoHeading);
    const reports: ProviderReport[] = [];
    for (const demo of demos) {
      const report = await runScenarios(demo, progress);
      reports.push(report);
      if (!json) io.stdout.write(renderProviderReport(report));
    }
    progress.stop();
    await closeAll(demos);
    const durationMs = performance.now() - started;
    const passed = reports.every((report) => report.passed);
    if (json) {
      io.stdout.write(
        `${JSON.stringify({ ok: passed, command: 'demo', durationMs: Math.round(durationMs), providers: reports.map(rounded) })}\n`,
      );
    } else {
      io.stdout.write(renderDemoSummary(reports, durationMs));
    }
    return passed ? exitCodes.ok : exitCodes.other;
  } finally {
    progress.stop();
    await closeAll(demos);
  }
}

/** `close()` is idempotent. */
function closeAll(demos: readonly ProviderDemo[]): Promise<unknown> {
  return Promise.all(demos.map((demo) => demo.emulator.close()));
}

function rounded(report: ProviderReport): ProviderReport {
  return {
    ...report,
    durationMs: Math.round(report.durationMs),
    scenarios: report.scenarios.map((scenario) => ({ ...scenario, durationMs: Math.round(scenario.durationMs) })),
  };
}

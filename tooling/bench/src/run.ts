// `pnpm bench`: every scenario, every contender, one machine, one run. Prints the table and writes the same figures
// to results/latest.json. Scenario numbers as arguments run only those (e.g. `node src/run.ts 1 6`).
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { renderMarkdown, renderTable, type ScenarioResult } from './report.ts';
import { runColdHerd } from './scenarios/cold-herd.ts';
import { runExpiry } from './scenarios/expiry.ts';
import { runFleet } from './scenarios/fleet.ts';
import { runFootprint } from './scenarios/footprint.ts';
import { runOverhead } from './scenarios/overhead.ts';
import { runRateLimit } from './scenarios/rate-limit.ts';

const scenarios: Array<[string, () => Promise<ScenarioResult>]> = [
  ['1 overhead', () => runOverhead()],
  ['2 cold herd', () => runColdHerd()],
  ['3 expiry', () => runExpiry()],
  ['4 rate limit', () => runRateLimit()],
  ['5 fleet', () => runFleet()],
  ['6 footprint', () => runFootprint()],
];

// Ctrl-C: exit through 'exit' handlers, so that the redis-server we started is stopped too (emulator and fleet
// processes stop on their own when their IPC channel closes).
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const selected = process.argv.slice(2);
const started = performance.now();
const startedAt = new Date();
const machine = {
  node: process.version,
  cpu: cpus()[0]?.model ?? 'unknown',
  cores: availableParallelism(),
  loadAverageAtStart: loadavg().map((value) => Math.round(value * 100) / 100),
};
console.log(
  `bench: Node ${machine.node}, ${machine.cores} cores (${machine.cpu}), load average ${machine.loadAverageAtStart.join(' ')}`,
);

const results: ScenarioResult[] = [];
let crashed = false;
for (const [name, run] of scenarios) {
  if (selected.length > 0 && !selected.includes(name.split(' ')[0]!)) continue;
  process.stdout.write(`bench: ${name} … `);
  const scenarioStarted = performance.now();
  try {
    const result = await run();
    results.push(result);
    console.log(
      result.skipped ? `skipped: ${result.skipped}` : `${((performance.now() - scenarioStarted) / 1000).toFixed(1)} s`,
    );
  } catch (error) {
    crashed = true;
    const message = error instanceof Error ? (error.stack ?? error.message) : String(error);
    console.log(`FAILED\n${message}`);
    results.push({
      scenario: name,
      figures: [],
      skipped: `crashed: ${message.split('\n')[0]}`,
      durationMs: performance.now() - scenarioStarted,
    });
  }
}

const totalMs = performance.now() - started;
const figures = results.flatMap((result) => result.figures);
const missed = figures.filter((item) => item.pass === false);
const passed = figures.filter((item) => item.pass === true);
console.log(`\n${renderTable(results)}\n`);
console.log(
  `bench: ${passed.length} targets PASS, ${missed.length} MISS; total ${(totalMs / 1000).toFixed(1)} s; load average at end ${loadavg()
    .map((value) => value.toFixed(2))
    .join(' ')}`,
);

const directory = new URL('../results/', import.meta.url);
mkdirSync(directory, { recursive: true });
const report = {
  startedAt: startedAt.toISOString(),
  totalDurationMs: Math.round(totalMs),
  machine: { ...machine, loadAverageAtEnd: loadavg().map((value) => Math.round(value * 100) / 100) },
  summary: { pass: passed.length, miss: missed.length },
  figures,
  scenarios: results,
};
writeFileSync(new URL('latest.json', directory), `${JSON.stringify(report, null, 2)}\n`);
writeFileSync(new URL('latest.md', directory), `${renderMarkdown(results)}\n`);
console.log('bench: wrote tooling/bench/results/latest.json and latest.md');
if (crashed) process.exitCode = 1;

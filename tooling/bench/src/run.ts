// `pnpm bench`: every scenario, every contender, one machine, one run. Prints the table and writes the same figures
// to results/latest.json. Scenario numbers as arguments run only those (e.g. `node src/run.ts 1 6`).
import { fork } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { renderMarkdown, renderTable, type ScenarioResult } from './report.ts';
import { scenarios } from './scenarios/index.ts';

const scenarioScript = fileURLToPath(new URL('./run-scenario.ts', import.meta.url));

/** Runs scenario `key` in a fresh Node process and resolves with its result. */
function runInChild(key: string): Promise<ScenarioResult> {
  return new Promise((resolve, reject) => {
    const child = fork(scenarioScript, [key], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'], execArgv: [] });
    let result: ScenarioResult | undefined;
    child.on('message', (message: { result?: ScenarioResult }) => {
      result = message.result;
    });
    child.once('error', reject);
    child.once('exit', (code, signal) => {
      if (result) resolve(result);
      else reject(new Error(`the scenario process exited (${code ?? signal}) without a result`));
    });
  });
}
// Ctrl-C: scenario processes stop their own children (emulators and fleet processes stop when their IPC channel
// closes, redis-server from an 'exit' handler).
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
for (const [key, { name }] of Object.entries(scenarios)) {
  if (selected.length > 0 && !selected.includes(key)) continue;
  process.stdout.write(`bench: ${name} … `);
  const scenarioStarted = performance.now();
  try {
    const result = await runInChild(key);
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

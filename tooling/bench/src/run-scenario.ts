// Runs one scenario in this (fresh) process and sends its result to the parent, run.ts: the heap, garbage-collection
// debt and connection pools of one scenario (a 10,000-call burst leaves plenty) must not slow down the next.
import { scenarios } from './scenarios/index.ts';

// Ctrl-C reaches this process too: exit through 'exit' handlers, which stop the redis-server a scenario started.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => process.exit(130));

const key = process.argv[2] ?? '';
const scenario = scenarios[key];
if (!scenario) throw new Error(`unknown scenario ${key}`);
const result = await scenario.run();
process.send?.({ result });
process.disconnect?.();

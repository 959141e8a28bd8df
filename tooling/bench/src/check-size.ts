// Enforces the size budget of every published package (min+gz, ky excluded). Run after the build.
import { readFileSync } from 'node:fs';
import { measuredPackages, measureKy, measureSize } from './measure-size.ts';

const budget = JSON.parse(readFileSync(new URL('../size-budget.json', import.meta.url), 'utf8')) as Record<
  string,
  number
>;
let failed = false;
const rows: string[] = [];
for (const name of measuredPackages) {
  const figure = await measureSize(name);
  const limit = budget[figure.name];
  const over = limit === undefined || figure.gzipBytes > limit;
  failed ||= over;
  rows.push(
    `${over ? 'FAIL' : 'ok  '} ${figure.name.padEnd(16)} ${String(figure.gzipBytes).padStart(6)} B min+gz  (budget ${limit ?? 'missing'} B, ${figure.minifiedBytes} B min)`,
  );
}
const ky = await measureKy();
rows.push(`     ${'ky (reference)'.padEnd(16)} ${String(ky.gzipBytes).padStart(6)} B min+gz`);
console.log(`size budget\n${rows.join('\n')}`);
if (failed) {
  console.error(
    'size budget exceeded: shrink the package, or raise tooling/bench/size-budget.json with a reason in the commit',
  );
  process.exit(1);
}

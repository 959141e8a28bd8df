import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { median } from '../load.ts';
import { measureKy, measureSize } from '../measure-size.ts';
import { type Figure, figure, type ScenarioResult } from '../report.ts';

export interface FootprintSettings {
  /** Fresh processes per module for the import time (interleaved). */
  importRuns: number;
}

export const footprintDefaults: FootprintSettings = { importRuns: 7 };

/** Each provider with core, min+gz, ky excluded. */
export const providerSizeTarget = 6 * 1024;

const providers = ['musimap', 'musement', 'gomus'] as const;
const benchDirectory = fileURLToPath(new URL('../../', import.meta.url));
const run = promisify(execFile);

/** Modules whose import time is measured, as a user imports them. */
const importedModules: Record<string, string[]> = {
  '@auth/musimap': ['@auth/musimap'],
  '@auth/musement': ['@auth/musement'],
  '@auth/gomus': ['@auth/gomus'],
  ky: ['ky'],
  'axios + axios-auth-refresh': ['axios', 'axios-auth-refresh'],
};

/**
 * Scenario 6: min+gz of @auth/core and of each provider bundled with the core it uses (esbuild, ky external; ky
 * listed on its own), and the time a fresh Node process takes to import each provider (from its built dist),
 * with ky and axios for reference.
 */
export async function runFootprint(settings: FootprintSettings = footprintDefaults): Promise<ScenarioResult> {
  const started = performance.now();
  const figures: Figure[] = [];
  const details: Record<string, unknown> = {};
  const scenario = '6 footprint';
  const core = await measureSize('core');
  figures.push(
    figure({
      scenario,
      contender: '@auth/core',
      figure: 'min+gz (ky excluded)',
      value: core.gzipBytes,
      shown: `${core.gzipBytes} B`,
      note: `${core.minifiedBytes} B min`,
    }),
  );
  for (const name of providers) {
    const size = await measureSize(name);
    figures.push(
      figure(
        {
          scenario,
          contender: `@auth/${name} + core`,
          figure: 'min+gz (ky excluded)',
          value: size.gzipBytes,
          shown: `${size.gzipBytes} B`,
          note: `${size.minifiedBytes} B min`,
        },
        { max: providerSizeTarget, unit: ' B' },
      ),
    );
    details[`@auth/${name}`] = size;
  }
  const ky = await measureKy();
  figures.push(
    figure({
      scenario,
      contender: 'ky',
      figure: 'min+gz',
      value: ky.gzipBytes,
      shown: `${ky.gzipBytes} B`,
      note: `${ky.minifiedBytes} B min`,
    }),
  );

  const times = new Map<string, number[]>(Object.keys(importedModules).map((name) => [name, []]));
  for (let index = 0; index < settings.importRuns; index++) {
    for (const [name, specifiers] of Object.entries(importedModules))
      times.get(name)!.push(await importTime(specifiers));
  }
  for (const [name, samples] of times) {
    const value = Math.round(median(samples) * 10) / 10;
    figures.push(
      figure({
        scenario,
        contender: name,
        figure: 'import time, fresh process (ms)',
        value,
        note: `median of ${samples.length}`,
      }),
    );
    details[`import ${name}`] = samples;
  }
  return { scenario, figures, details, durationMs: performance.now() - started };
}

/** Milliseconds a fresh Node process spends in `import()` of the given modules. */
async function importTime(specifiers: string[]): Promise<number> {
  const code = `const t = performance.now(); ${specifiers.map((specifier) => `await import(${JSON.stringify(specifier)});`).join(' ')} process.stdout.write(String(performance.now() - t));`;
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', code], { cwd: benchDirectory });
  return Number(stdout);
}

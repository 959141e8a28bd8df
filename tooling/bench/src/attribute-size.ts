// Where a provider's min+gz goes: bundles each provider from its TypeScript sources (core's sources aliased in, ky
// external), lists the minified bytes each source file contributes, and the min+gz of core alone as the provider
// uses it. Run: `node src/attribute-size.ts [musimap|musement|gomus]`.
import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';
import { bundleOptions } from './measure-size.ts';

const packages = fileURLToPath(new URL('../../../packages/', import.meta.url));
const common = {
  ...bundleOptions,
  alias: { '@auth/core/provider': `${packages}core/src/provider.ts`, '@auth/core': `${packages}core/src/index.ts` },
} satisfies BuildOptions;

export interface SizeAttribution {
  gzipBytes: number;
  minifiedBytes: number;
  /** Minified bytes per source file, largest first. */
  files: Array<{ file: string; minifiedBytes: number }>;
  /** min+gz of only the core exports the provider imports. */
  coreAloneGzipBytes: number;
}

export async function attributeSize(provider: string): Promise<SizeAttribution> {
  const result = await build({ ...common, entryPoints: [`${packages}${provider}/src/index.ts`], metafile: true });
  const code = result.outputFiles![0]!.contents;
  const inputs = Object.values(result.metafile!.outputs)[0]!.inputs;
  const files = Object.entries(inputs)
    .map(([file, info]) => ({
      file: file.slice(file.indexOf('packages/') + 'packages/'.length),
      minifiedBytes: info.bytesInOutput,
    }))
    .filter((entry) => entry.minifiedBytes > 0)
    .sort((a, b) => b.minifiedBytes - a.minifiedBytes);
  // Only what the provider imports from core, bundled and compressed on its own: core's share of the budget.
  const names = coreImportsOf(provider);
  const coreOnly = await build({
    ...common,
    stdin: {
      contents: names.map(([from, name]) => `export { ${name} } from '${from}';`).join('\n'),
      resolveDir: `${packages}${provider}/src`,
      loader: 'ts',
    },
  });
  return {
    gzipBytes: gzipSync(code, { level: 9 }).byteLength,
    minifiedBytes: code.byteLength,
    files,
    coreAloneGzipBytes: gzipSync(coreOnly.outputFiles![0]!.contents, { level: 9 }).byteLength,
  };
}

/** The value (not type) names a provider's sources import from @auth/core and @auth/core/provider. */
function coreImportsOf(provider: string): Array<[from: string, name: string]> {
  const directory = `${packages}${provider}/src/`;
  const names = new Map<string, string>();
  for (const file of readdirSync(directory)) {
    if (!file.endsWith('.ts') || file.endsWith('.test.ts')) continue;
    const text = readFileSync(`${directory}${file}`, 'utf8');
    for (const match of text.matchAll(/import\s*\{([^}]*)\}\s*from\s*'(@auth\/core(?:\/provider)?)'/g)) {
      for (const part of match[1]!.split(',')) {
        const name = part.trim();
        if (name && !name.startsWith('type ')) names.set(name.split(/\s+as\s+/)[0]!, match[2]!);
      }
    }
  }
  return [...names].map(([name, from]): [string, string] => [from, name]).sort();
}

if (import.meta.main) {
  for (const provider of process.argv.length > 2 ? process.argv.slice(2) : ['musimap', 'musement', 'gomus']) {
    const size = await attributeSize(provider);
    console.log(
      `@auth/${provider} + core from sources: ${size.gzipBytes} B min+gz (${size.minifiedBytes} B min); core alone as it uses it: ${size.coreAloneGzipBytes} B min+gz`,
    );
    for (const { file, minifiedBytes } of size.files.slice(0, 12))
      console.log(`  ${String(minifiedBytes).padStart(6)} B min  ${file}`);
  }
}

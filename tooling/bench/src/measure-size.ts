import { gzipSync } from 'node:zlib';
import { type BuildOptions, build } from 'esbuild';

export interface SizeFigure {
  name: string;
  minifiedBytes: number;
  gzipBytes: number;
}

const root = new URL('../../../', import.meta.url);

/** How every size here is measured: one minified ESM bundle for Node, ky and ioredis left out. */
export const bundleOptions = {
  bundle: true,
  minify: true,
  format: 'esm',
  platform: 'node',
  target: 'node22',
  write: false,
  external: ['ky', 'ioredis', 'node:*'],
  logLevel: 'silent',
} satisfies BuildOptions;

/** Published packages whose size is measured: each bundled with what it pulls from @auth/*, ky left out. */
export const measuredPackages = ['core', 'gomus', 'musement', 'musimap', 'redis', 'testing'] as const;

/** Minified + gzipped size of a package's built entry with its @auth/* dependencies bundled in and ky external. */
export async function measureSize(name: string): Promise<SizeFigure> {
  const entry = new URL(`packages/${name}/dist/index.js`, root);
  const result = await build({ ...bundleOptions, entryPoints: [entry.pathname] });
  const code = result.outputFiles[0]!.contents;
  return { name: `@auth/${name}`, minifiedBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

/** ky itself, for reference: what a provider adds on top of it. */
export async function measureKy(): Promise<SizeFigure> {
  const result = await build({
    stdin: { contents: "export { default } from 'ky';", resolveDir: new URL('tooling/bench/', root).pathname },
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'node',
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]!.contents;
  return { name: 'ky', minifiedBytes: code.byteLength, gzipBytes: gzipSync(code, { level: 9 }).byteLength };
}

// The API reference (TypeDoc, from the JSDoc of every published entry point) builds without a single warning: a
// broken {@link}, an unknown tag, a README link TypeDoc cannot follow or a type that does not compile fails here.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { apiReferenceDirectory, buildApiReference, entryPoints } from './build-api-reference.ts';

describe('API reference', () => {
  it('covers every exports entry of every published package, and builds with no TypeDoc warning', async () => {
    const entries = entryPoints();
    expect(entries.map((entry) => entry.specifier)).toEqual(
      expect.arrayContaining(['@auth/core', '@auth/core/provider', '@auth/gomus', '@auth/musement', '@auth/musimap']),
    );
    for (const entry of entries) expect(existsSync(entry.source), entry.source).toBe(true);

    const output = await buildApiReference();
    expect(output).not.toMatch(/warning/i);
    const index = readFileSync(join(apiReferenceDirectory, 'index.html'), 'utf8');
    expect(index).toContain('@auth');
    const modules = readFileSync(join(apiReferenceDirectory, 'modules.html'), 'utf8');
    for (const entry of entries) expect(modules, entry.specifier).toContain(entry.specifier.replace('@', ''));
    console.log(
      `API reference: ${entries.length} entry points, ${join(apiReferenceDirectory, 'index.html')} (no warnings)`,
    );
  }, 240_000);
});

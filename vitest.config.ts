import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

// Tests run against the sources of sibling packages, so a change in @auth/core is seen by provider tests
// without a rebuild. The published entry points (dist) are exercised by the install test.
const packagesDir = fileURLToPath(new URL('./packages/', import.meta.url));
// Exact matches: `@auth/core/provider` is a subpath export of its own (src/provider.ts), not src/index.ts/provider.
const alias = [
  { find: /^@auth\/core\/provider$/, replacement: `${packagesDir}core/src/provider.ts` },
  { find: /^@auth\/core\/opentelemetry$/, replacement: `${packagesDir}core/src/opentelemetry.ts` },
  { find: /^@auth\/core\/file-token-store$/, replacement: `${packagesDir}core/src/file-token-store.ts` },
  ...readdirSync(packagesDir).map((name) => ({
    find: new RegExp(`^@auth/${name}$`),
    replacement: `${packagesDir}${name}/src/index.ts`,
  })),
];

export default defineConfig({
  resolve: { alias },
  test: {
    include: ['packages/*/src/**/*.test.ts', 'tooling/*/src/**/*.test.ts'],
    // The secret-leak audit: every test file runs under it (see tooling/reliability/README.md).
    setupFiles: ['tooling/reliability/src/leak-audit-setup.ts'],
    // A test that asserts nothing passes whatever the code does: every test must make at least one assertion.
    expect: { requireAssertions: true },
    testTimeout: 30_000,
    hookTimeout: 30_000,
    reporters: ['default'],
  },
});

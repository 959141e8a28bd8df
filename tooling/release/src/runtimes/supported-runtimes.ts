/**
 * The runtimes the published packages promise, each tested in `npm test` at the version given (the lower bound for
 * Node, the version pinned for CI for Bun and Deno). The READMEs say the same: change both together.
 */
export const supportedRuntimes = {
  /** `engines.node` of every package: ky 2 needs 22, and 22.12 loads ESM from `require()` without a flag. */
  nodeLowerBound: '22.12.0',
  bun: '1.4.4',
  deno: '2.9.6',
} as const;

import type { Options } from 'ky';

/**
 * ky given the options our engine passes it, each doing nothing: a per-attempt and a total timeout, a retry decision
 * asked for every method, manual redirects, a JSON parser, one beforeRequest and one beforeError hook. ky merges and
 * normalises these on every call, so this is the floor a client on ky's engine cannot go under; the distance from
 * bare ky to it is ky's, the distance from it to our clients is ours.
 */
export const engineFloorOptions = {
  redirect: 'manual',
  timeout: 30_000,
  totalTimeout: 120_000,
  retry: {
    limit: 2,
    jitter: true,
    retryOnTimeout: true,
    methods: ['get', 'head', 'put', 'delete', 'options', 'trace', 'query', 'post', 'patch'],
    shouldRetry: () => undefined,
  },
  parseJson: (text: string) => JSON.parse(text),
  hooks: { beforeRequest: [async () => undefined], beforeError: [({ error }) => error] },
} satisfies Options;

export const engineFloorName = "ky + the engine's options (no-op functions)";

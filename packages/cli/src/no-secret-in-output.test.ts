import {
  type EmulatorHandle,
  findLeakedSecrets,
  gomusTestTokens,
  type MusementEmulatorHandle,
  musementTestCredentials,
  musimapTestCredentials,
  startGomusEmulator,
  startMusementEmulator,
  startMusimapEmulator,
} from '@auth/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CapturedRun, runCaptured } from './test-support/run-captured.js';

const musement = musementTestCredentials;
const musimap = musimapTestCredentials;
const wrongSecrets = [
  'wrong-gomus-token-for-the-scan',
  'wrong-musement-secret-for-the-scan',
  'wrong-musimap-secret-scan',
];

let gomusEmulator: EmulatorHandle;
let musementEmulator: MusementEmulatorHandle;
let musimapEmulator: EmulatorHandle;
beforeAll(async () => {
  [gomusEmulator, musementEmulator, musimapEmulator] = await Promise.all([
    startGomusEmulator(),
    startMusementEmulator(),
    startMusimapEmulator(),
  ]);
});
afterAll(() => Promise.all([gomusEmulator.close(), musementEmulator.close(), musimapEmulator.close()]));

/** Every command, succeeding and failing; each is run plain, with --verbose and with --json. */
function invocations(): Array<{ argv: string[]; env: Record<string, string> }> {
  const musementArgs = ['musement', '--base-url', musementEmulator.url, '--client-id', musement.clientId];
  const musimapArgs = ['musimap', '--base-url', musimapEmulator.url, '--client-id', musimap.clientId];
  return [
    { argv: ['gomus', '--base-url', gomusEmulator.url], env: { GOMUS_TOKEN: gomusTestTokens.user } },
    { argv: ['gomus', '--base-url', gomusEmulator.url], env: { GOMUS_TOKEN: wrongSecrets[0] as string } },
    {
      argv: [...musementArgs, '--application', musement.application],
      env: { MUSEMENT_CLIENT_SECRET: musement.clientSecret },
    },
    {
      argv: [...musementArgs, '--application', musement.application, '--username', musement.username],
      env: { MUSEMENT_CLIENT_SECRET: musement.clientSecret, MUSEMENT_PASSWORD: musement.password },
    },
    {
      argv: [...musementArgs, '--application', musement.application, '--username', musement.username],
      env: { MUSEMENT_CLIENT_SECRET: musement.clientSecret, MUSEMENT_PASSWORD: `${musement.password}-wrong` },
    },
    {
      argv: [...musementArgs, '--application', musement.application],
      env: { MUSEMENT_CLIENT_SECRET: wrongSecrets[1] as string },
    },
    { argv: musimapArgs, env: { MUSIMAP_CLIENT_SECRET: musimap.clientSecret } },
    { argv: musimapArgs, env: { MUSIMAP_CLIENT_SECRET: wrongSecrets[2] as string } },
  ];
}

/** Every secret in play: credentials, wrong ones, and every access and refresh token the emulators issued. */
function secretsInPlay(refreshTokens: Iterable<string>): Set<string> {
  const secrets = new Set<string>([
    musement.clientSecret,
    musement.password,
    `${musement.password}-wrong`,
    musimap.clientSecret,
    ...Object.values(gomusTestTokens),
    ...wrongSecrets,
    ...refreshTokens,
  ]);
  for (const emulator of [gomusEmulator, musementEmulator, musimapEmulator]) {
    for (const request of emulator.requests) {
      const token = request.headers.authorization?.replace(/^Bearer /, '');
      if (token) secrets.add(token);
    }
  }
  return secrets;
}

/** @auth/testing's secret scan over every run's stdout and stderr (each also looked for URL-encoded). */
function leaksIn(runs: readonly CapturedRun[], secrets: Iterable<string>): string[] {
  const known = [...secrets];
  return runs.flatMap((run, index) =>
    [
      ['stdout', run.stdout],
      ['stderr', run.stderr],
    ].flatMap(([stream, text]) =>
      findLeakedSecrets(known, [], [text]).map(([start]) => `run ${index} ${stream}: ${start}…`),
    ),
  );
}

describe('secrets in the CLI output', () => {
  it('appear nowhere in stdout or stderr, with or without --verbose and --json', async () => {
    const runs: CapturedRun[] = [];
    const refreshTokens = new Set<string>();
    for (const { argv, env } of invocations()) {
      for (const extra of [[], ['--verbose'], ['--json', '--verbose']]) {
        runs.push(await runCaptured([...argv, ...extra], { env }));
        const refreshToken = musementEmulator.latestRefreshToken(musement.username);
        if (refreshToken) refreshTokens.add(refreshToken);
      }
    }

    expect(runs.map((run) => run.exitCode)).toEqual([
      0, 0, 0, 2, 2, 2, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 0, 0, 0, 2, 2, 2,
    ]);
    const verbose = runs.filter((_run, index) => index % 3 !== 0).map((run) => run.stderr);
    // The scan means something only if the verbose log showed the exchanges.
    expect(verbose.join('')).toContain('http request');
    expect(verbose.join('')).toContain('kind=token');
    expect(verbose.join('')).toContain('event=token.renewed');
    expect(refreshTokens.size).toBeGreaterThan(0);
    const secrets = secretsInPlay(refreshTokens);
    expect(secrets.size).toBeGreaterThan(12);
    expect(leaksIn(runs, secrets)).toEqual([]);
  });

  it('with --show-token: only the access token, once, on stdout', async () => {
    const run = await runCaptured(
      [
        'musement',
        '--base-url',
        musementEmulator.url,
        '--client-id',
        musement.clientId,
        '--application',
        musement.application,
        '--username',
        musement.username,
        '--show-token',
        '--verbose',
      ],
      { env: { MUSEMENT_CLIENT_SECRET: musement.clientSecret, MUSEMENT_PASSWORD: musement.password } },
    );
    expect(run.exitCode).toBe(0);
    const accessToken = musementEmulator.requests.at(-1)?.headers.authorization?.replace(/^Bearer /, '') as string;
    const refreshToken = musementEmulator.latestRefreshToken(musement.username) as string;
    expect(run.stdout.split(accessToken)).toHaveLength(2);
    expect(run.stderr).not.toContain(accessToken);
    const others = [...secretsInPlay([refreshToken])].filter((secret) => secret !== accessToken);
    expect(others).toContain(refreshToken);
    expect(leaksIn([run], others)).toEqual([]);
  });
});

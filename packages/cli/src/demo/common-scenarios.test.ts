import { createMusementClient } from '@auth/musement';
import { type MusementEmulatorHandle, musementTestCredentials, startMusementEmulator } from '@auth/testing';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { runWithFakeTime } from '../../../testing/src/test-support/run-with-fake-time.js';
import { badCredentialScenario, rateLimitScenario } from './common-scenarios.js';
import { createProgress } from './create-progress.js';
import { renderDemoSummary, renderProviderReport } from './render-demo-report.js';
import { runScenarios } from './run-scenarios.js';
import { check } from './scenario.js';

const { clientId, clientSecret, application } = musementTestCredentials;

let emulator: MusementEmulatorHandle;
beforeAll(async () => {
  emulator = await startMusementEmulator();
});
afterAll(() => emulator.close());
beforeEach(() => emulator.reset());

const client = (options: { retry?: number; clientSecret?: string } = {}) =>
  createMusementClient({ baseUrl: emulator.url, clientId, clientSecret, application, ...options });

// The demo is only worth its exit code if its checks catch a misbehaving library: feed them one.
describe('the demo scenarios catch a misbehaving client', () => {
  it('429 back-off fails when the client does not wait and retry', async () => {
    const noRetry = client({ retry: 0 });
    await noRetry.getToken();
    const scenario = rateLimitScenario(emulator, '/api/v3/cities', () => noRetry.api.get('cities').json());
    await expect(scenario.run()).rejects.toThrow(/RateLimitError|429/);

    const retrying = client();
    await retrying.getToken();
    const passing = rateLimitScenario(emulator, '/api/v3/cities', () => retrying.api.get('cities').json());
    // The one-second Retry-After passes on fake time: the scenario still measures (and checks) the wait.
    await expect(runWithFakeTime(() => passing.run(), { performance: true })).resolves.toMatch(/waited 1\.\d\d s/);
  });

  it('bad credential fails when the credential is accepted, or rejected after more than one request', async () => {
    const accepted = badCredentialScenario({
      emulator,
      what: 'a good secret',
      secret: clientSecret,
      sentTo: 'token endpoint',
      attempt: () => client().getToken(),
    });
    await expect(accepted.run()).rejects.toThrow('expected a CredentialsError, got success');

    const twice = badCredentialScenario({
      emulator,
      what: 'wrong secret, sent twice',
      secret: 'wrong-secret-sent-twice',
      sentTo: 'token endpoint',
      attempt: async () => {
        await client({ clientSecret: 'wrong-secret-sent-twice' })
          .getToken()
          .catch(() => undefined);
        return client({ clientSecret: 'wrong-secret-sent-twice' }).getToken();
      },
    });
    await expect(twice.run()).rejects.toThrow('the rejected credential was sent 2 times');
  });

  it('a failed scenario is reported as FAIL, the next ones still run, and the provider fails', async () => {
    const lines: string[] = [];
    const report = await runScenarios(
      {
        provider: 'musement',
        title: 'Musement (test)',
        emulator,
        scenarios: [
          {
            name: 'broken',
            run: async () => {
              check(false, 'the library misbehaved');
              return '';
            },
          },
          {
            name: 'throws',
            run: () =>
              client({ clientSecret: 'wrong-secret-for-throws' })
                .getToken()
                .then(() => 'no'),
          },
          { name: 'fine', run: async () => 'all good' },
        ],
      },
      createProgress({ write: (text: string) => lines.push(text) }),
    );

    expect(report.passed).toBe(false);
    expect(report.scenarios.map((scenario) => [scenario.name, scenario.passed])).toEqual([
      ['broken', false],
      ['throws', false],
      ['fine', true],
    ]);
    expect(report.scenarios[0]?.detail).toBe('the library misbehaved');
    expect(report.scenarios[1]?.detail).toMatch(/^unexpected @auth\/musement: the token endpoint rejected/);
    expect(report.scenarios[1]?.tokenRequests).toBe(1);
    expect(lines.join('')).toContain('Musement · broken: FAILED');
    const text = renderProviderReport(report) + renderDemoSummary([report], 1234);
    expect(text).toContain('FAIL  broken');
    expect(text).toContain('1/3 passed');
    expect(text).toContain('2 of 3 scenarios FAILED');
  });
});

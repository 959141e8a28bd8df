import { findRedisServer } from '@auth/testing';
// The demo runs once for the whole suite, here, in-process (5-7 s, mostly the real one-second Retry-After waits it
// shows): every test below judges that one run, its JSON report, its progress lines, and the text report the same
// results render to. Its Redis scenario runs when redis-server is installed (its two processes load the built
// @auth/core, @auth/musement and @auth/redis), and is skipped otherwise; AUTH_REQUIRE_REDIS=1 (CI) forbids the skip.
import { beforeAll, describe, expect, it } from 'vitest';
import { assertBuilt } from '../../../core/src/test-support/assert-built.js';
import { type CapturedRun, runCaptured } from '../test-support/run-captured.js';
import { demoHeading, renderDemoSummary, renderProviderReport } from './render-demo-report.js';
import type { ProviderReport } from './run-scenarios.js';

interface ScenarioJson {
  name: string;
  passed: boolean;
  skipped: boolean;
  detail: string;
  durationMs: number;
  tokenRequests: number;
  apiRequests: number;
}
interface ProviderJson {
  provider: string;
  url: string;
  passed: boolean;
  tokenRequests: number;
  apiRequests: number;
  scenarios: ScenarioJson[];
}

const withRedis = findRedisServer() !== undefined;
if (!withRedis && process.env.AUTH_REQUIRE_REDIS === '1') {
  throw new Error("redis-server was not found, and AUTH_REQUIRE_REDIS=1 forbids skipping the demo's Redis scenario");
}

let run: CapturedRun;
let report: { ok: boolean; command: string; durationMs: number; providers: ProviderJson[] };
beforeAll(async () => {
  if (withRedis) assertBuilt(['core', 'musement', 'redis'], "the Redis scenario's processes load dist");
  run = await runCaptured(['demo', '--json']);
  report = run.json() as typeof report;
}, 60_000);

describe('auth-check demo, in-process', () => {
  it('runs every flow, checks it on the emulators, reports it as one JSON object, and closes the emulators', async () => {
    expect(run.exitCode, run.stdout).toBe(0);
    expect(report).toMatchObject({ ok: true, command: 'demo' });
    const byProvider = Object.fromEntries(report.providers.map((provider) => [provider.provider, provider]));
    const names = (provider: string) => byProvider[provider]?.scenarios.map((scenario) => scenario.name);
    expect(names('gomus')).toEqual([
      'first call',
      'cached reuse',
      'revoked → token swap',
      '429 back-off',
      'bad credential',
    ]);
    expect(names('musement')).toEqual([
      'first login',
      'cached reuse',
      'expiry → refresh',
      'client_credentials',
      'one token via Redis',
      '429 back-off',
      'bad credential',
    ]);
    expect(names('musimap')).toEqual([
      'first login',
      'cached reuse',
      'renewal ahead',
      'expiry → new token',
      '429 back-off',
      'bad credential',
    ]);
    const scenario = (provider: string, name: string) =>
      byProvider[provider]?.scenarios.find((candidate) => candidate.name === name);
    const redis = scenario('musement', 'one token via Redis');
    for (const provider of report.providers) {
      for (const each of provider.scenarios) {
        if (each === redis && !withRedis) continue;
        expect(each, provider.provider).toMatchObject({ passed: true, skipped: false });
      }
    }
    if (withRedis) {
      // Two separate processes, each with a RedisTokenStore on the same redis-server: one login between them.
      expect(redis).toMatchObject({ tokenRequests: 1, apiRequests: 2 });
      expect(redis?.detail).toMatch(/^2 processes, 1 login: .+ 1 client_credentials login in total; both exited/);
    } else {
      expect(redis).toMatchObject({ passed: false, skipped: true, tokenRequests: 0, apiRequests: 0 });
      expect(redis?.detail).toMatch(/^redis-server not found/);
    }

    // What the emulators counted: go~mus never asks for a token; Musement logs in once, refreshes twice, logs in once
    // with client_credentials, once more for two processes sharing Redis, and one wrong secret; Musimap: one login,
    // one renewal ahead, one after the server-side expiry, one wrong secret.
    expect(byProvider.gomus?.tokenRequests).toBe(0);
    expect(byProvider.musement?.tokenRequests).toBe(withRedis ? 6 : 5);
    expect(byProvider.musimap?.tokenRequests).toBe(4);
    expect(scenario('musement', 'first login')).toMatchObject({ tokenRequests: 1, apiRequests: 10 });
    expect(scenario('musement', 'cached reuse')).toMatchObject({ tokenRequests: 0, apiRequests: 20 });
    expect(scenario('musement', 'expiry → refresh')).toMatchObject({ tokenRequests: 2, apiRequests: 4 });
    expect(scenario('musement', 'client_credentials')).toMatchObject({ tokenRequests: 1, apiRequests: 10 });
    for (const provider of ['gomus', 'musement', 'musimap']) {
      expect(scenario(provider, '429 back-off')?.durationMs).toBeGreaterThanOrEqual(990);
      expect(scenario(provider, '429 back-off')?.detail).toMatch(/Retry-After: 1 s → waited 1\.\d\d s/);
      expect(scenario(provider, 'bad credential')?.detail).toContain('exit code 2');
    }

    // The progress went to stderr as plain lines (not a terminal), one per step.
    expect(run.stderr.match(/^auth-check demo: .+: passed \(/gm)).toHaveLength(withRedis ? 18 : 17);
    expect(run.stderr.match(/^auth-check demo: .+: skipped \(/gm) ?? []).toHaveLength(withRedis ? 0 : 1);
    // Closed: nothing listens any more.
    for (const provider of report.providers) await expect(fetch(provider.url)).rejects.toThrow();
  });

  it('renders the same results as a readable text report', () => {
    const reports = report.providers as unknown as ProviderReport[];
    const text = [
      demoHeading,
      ...reports.map(renderProviderReport),
      renderDemoSummary(reports, report.durationMs),
    ].join('');

    expect(text).toContain('auth-check demo: every flow against emulators started in-process');
    expect(text).toMatch(/go~mus \(static token\) {2}http:\/\/127\.0\.0\.1:\d+\n/);
    expect(text).toMatch(/^ {2}PASS {2}expiry → refresh +[\d.]+ m?s {2}\S/m);
    expect(text).toContain('5/5 passed · 0 token requests');
    expect(text).toContain(withRedis ? '7/7 passed · 6 token requests' : '6/7 passed, 1 skipped · 5 token requests');
    expect(text).toContain('6/6 passed · 4 token requests');
    expect(text).toMatch(
      withRedis
        ? /All 18 scenarios passed in [\d.]+ s; emulators closed\.\n$/
        : /All 17 scenarios passed, 1 skipped, in [\d.]+ s; emulators closed\.\n$/,
    );
    expect(text).toMatch(withRedis ? /^ {2}PASS {2}one token via Redis /m : /^ {2}SKIP {2}one token via Redis /m);
    expect(text).not.toContain('FAIL');
  });
});

import { createGomusClient } from '@auth/gomus';
import type { CheckContext, CheckResult } from './check-result.js';
import { settingFrom } from './check-result.js';
import { describeGomusScope } from './describe-gomus-scope.js';
import { formatDuration } from './format-duration.js';
import { UsageError } from './usage-error.js';

/** `auth-check gomus`: one `GET /api/v4/whoami` with the token, and what it may do in plain words. */
export async function checkGomus({ io, commandLine, logger }: CheckContext): Promise<CheckResult> {
  const baseUrl = settingFrom(io, commandLine.baseUrl, 'GOMUS_BASE_URL');
  if (baseUrl === undefined) {
    throw new UsageError('the go~mus instance is missing: pass --base-url or set GOMUS_BASE_URL.');
  }
  if (commandLine.token !== undefined) {
    io.stderr.write('auth-check: warning: --token shows in ps output and shell history; prefer GOMUS_TOKEN.\n');
  }
  const token = settingFrom(io, commandLine.token, 'GOMUS_TOKEN');
  const client = createGomusClient({
    baseUrl,
    // Without a token: public access (null: the client must not fall back to the process environment).
    token: token ?? null,
    ...(logger && { logger }),
  });

  const started = performance.now();
  const whoami = await client.whoami();
  const durationMs = performance.now() - started;
  const scope = describeGomusScope(whoami);
  const showToken = commandLine.showToken && token !== undefined;
  return {
    heading: `go~mus  ${baseUrl}`,
    rows: [
      ['access', scope],
      ['whoami', JSON.stringify(whoami)],
      [
        'token',
        token === undefined
          ? 'none sent (GOMUS_TOKEN and --token are unset)'
          : 'static: go~mus tokens are never refreshed; a rejected one must be swapped',
      ],
      ['call', `GET /api/v4/whoami answered in ${formatDuration(durationMs)}`],
      ...(showToken ? ([['access token', token]] as Array<[string, string]>) : []),
    ],
    verdict: token === undefined ? 'ok: public access works (no token sent)' : 'ok: the token was accepted',
    json: {
      provider: 'gomus',
      baseUrl,
      tokenSent: token !== undefined,
      access: whoami.access,
      museums: whoami.museums ?? null,
      scope,
      call: { method: 'GET', path: '/api/v4/whoami', durationMs: Math.round(durationMs) },
      ...(showToken && { accessToken: token }),
    },
  };
}

import { ApiError, CredentialsError } from '@auth/core';
import { createGomusClient, type GomusClient } from '@auth/gomus';
import type { CheckContext, CheckResult } from './check-result.js';
import { settingFrom } from './check-result.js';
import { describeGomusScope } from './describe-gomus-scope.js';
import { formatDuration } from './format-duration.js';
import { UsageError } from './usage-error.js';

/** go~mus' documented 401 body: an answer that carries it comes from a go~mus instance. */
const gomusUnauthorized = 'authentication error; no customer or no user present';

/**
 * `auth-check gomus`: one `GET /api/v4/whoami` with the token, and what it may do in plain words. When whoami is
 * refused in a way that does not show it was go~mus (a 401 without go~mus' documented body, a 404, an HTML page),
 * `GET /api/v4/version`, which go~mus answers without a token, tells a token the instance rejected (exit 2) from a
 * base URL that is not a go~mus instance (exit 1).
 */
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
  const whoami = await client.whoami().catch((error: unknown) => explainRefusal(client, error));
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

/**
 * Rethrows `error` (whoami's) once `GET /api/v4/version` has said whether the host is a go~mus instance at all: if it
 * answers like one, the refusal stands as it is (a 401 is then a token the instance rejected); if it answers, but not
 * like go~mus (404, an HTML page, another shape), the base URL is wrong and that is what is thrown. A version call that
 * fails otherwise (unreachable, 5xx) leaves whoami's error as it is.
 */
async function explainRefusal(client: GomusClient, error: unknown): Promise<never> {
  if (CredentialsError.isInstance(error) && error.reason === gomusUnauthorized) throw error;
  const refused = CredentialsError.isInstance(error) || (ApiError.isInstance(error) && error.status < 500);
  if (!refused) throw error;
  try {
    await client.version();
  } catch (versionError) {
    if (ApiError.isInstance(versionError) && versionError.status < 500) {
      throw new ApiError({
        packageName: '@auth/cli',
        method: versionError.method,
        url: versionError.url,
        status: versionError.status,
        detail: `did not answer like a go~mus instance (${versionError.status}): check --base-url or GOMUS_BASE_URL`,
      });
    }
  }
  throw error;
}

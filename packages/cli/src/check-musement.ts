import { createMusementClient, musementProductionUrl, musementSandboxUrl } from '@auth/musement';
import type { CheckContext, CheckResult } from './check-result.js';
import { settingFrom } from './check-result.js';
import { formatDuration, formatExpiry } from './format-duration.js';
import { readSecret } from './read-secret.js';
import { UsageError } from './usage-error.js';

const citiesLimit = 5;

/** `auth-check musement`: logs in, shows the token's type, scope and expiry, and calls `GET /api/v3/cities`. */
export async function checkMusement({ io, commandLine, logger }: CheckContext): Promise<CheckResult> {
  const clientId = settingFrom(io, commandLine.clientId, 'MUSEMENT_CLIENT_ID');
  if (clientId === undefined) throw new UsageError('--client-id is missing (or set MUSEMENT_CLIENT_ID).');
  const application = settingFrom(io, commandLine.application, 'MUSEMENT_APPLICATION');
  if (application === undefined) {
    throw new UsageError(
      '--application is missing: the X-Musement-Application value Musement issued (or set MUSEMENT_APPLICATION).',
    );
  }
  const { username } = commandLine;
  const clientSecret = await readSecret(io, {
    label: 'Musement client secret',
    environmentVariable: 'MUSEMENT_CLIENT_SECRET',
  });
  const password =
    username === undefined
      ? undefined
      : await readSecret(io, { label: `Musement password of ${username}`, environmentVariable: 'MUSEMENT_PASSWORD' });

  // --sandbox wins over MUSEMENT_BASE_URL (not over --base-url: the client refuses both); the CLI reads io.env only.
  const baseUrlOption =
    commandLine.baseUrl ??
    (commandLine.sandbox ? undefined : (settingFrom(io, undefined, 'MUSEMENT_BASE_URL') ?? musementProductionUrl));
  const baseUrl = baseUrlOption ?? musementSandboxUrl;
  const client = createMusementClient({
    ...(baseUrlOption !== undefined && { baseUrl: baseUrlOption }),
    ...(commandLine.sandbox && { sandbox: true }),
    clientId,
    clientSecret,
    application,
    ...(username !== undefined && { username, password }),
    ...(logger && { logger }),
  });

  const loginStarted = performance.now();
  const token = await client.getToken();
  const loginMs = performance.now() - loginStarted;
  const callStarted = performance.now();
  const response = await client.api.get('cities', { searchParams: { limit: citiesLimit } });
  const cities: unknown = await response.json();
  const callMs = performance.now() - callStarted;
  const count = Array.isArray(cities) ? cities.length : undefined;

  const grant = username === undefined ? 'client_credentials' : `password (${username})`;
  const scope = token.scope === undefined ? 'none' : `"${token.scope}"`;
  const expiry = formatExpiry(token.expiresAt, Date.now());
  const at = token.expiresAt === undefined ? '' : ` (at ${new Date(token.expiresAt).toISOString()})`;
  return {
    heading: `Musement  ${baseUrl} (application ${application})`,
    rows: [
      ['grant', grant],
      ['token', `${token.tokenType ?? 'bearer'}, scope ${scope}, ${expiry}${at}`],
      [
        'refresh token',
        token.refreshToken === undefined
          ? 'none (client_credentials renews by logging in again)'
          : 'issued; it rotates on every refresh (not shown)',
      ],
      ['login', `POST /api/v3/login answered in ${formatDuration(loginMs)}`],
      [
        'call',
        `GET /api/v3/cities?limit=${citiesLimit} → ${response.status}, ${count ?? 'an unexpected answer, not a list of'} cities in ${formatDuration(callMs)}`,
      ],
      ...(commandLine.showToken ? ([['access token', token.accessToken]] as Array<[string, string]>) : []),
    ],
    verdict: 'ok: the credentials were accepted',
    json: {
      provider: 'musement',
      baseUrl,
      application,
      grant: username === undefined ? 'client_credentials' : 'password',
      ...(username !== undefined && { username }),
      token: {
        type: token.tokenType ?? null,
        scope: token.scope ?? null,
        expiresAt: token.expiresAt === undefined ? null : new Date(token.expiresAt).toISOString(),
        expiresInSeconds: token.expiresAt === undefined ? null : Math.floor((token.expiresAt - Date.now()) / 1000),
        refreshToken: token.refreshToken !== undefined,
      },
      login: { method: 'POST', path: '/api/v3/login', durationMs: Math.round(loginMs) },
      call: {
        method: 'GET',
        path: '/api/v3/cities',
        status: response.status,
        items: count ?? null,
        durationMs: Math.round(callMs),
      },
      ...(commandLine.showToken && { accessToken: token.accessToken }),
    },
  };
}

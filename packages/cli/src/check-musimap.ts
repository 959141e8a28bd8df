import { createMusimapClient, defaultMusimapBaseUrl, unwrapEnvelope } from '@auth/musimap';
import type { CheckContext, CheckResult } from './check-result.js';
import { settingFrom } from './check-result.js';
import { formatDuration, formatExpiry } from './format-duration.js';
import { readSecret } from './read-secret.js';
import { UsageError } from './usage-error.js';

const tagsLimit = 5;

/** `auth-check musimap`: gets a client token, shows its expiry, and calls `GET /lexicology/tags`. */
export async function checkMusimap({ io, commandLine, logger }: CheckContext): Promise<CheckResult> {
  const clientId = settingFrom(io, commandLine.clientId, 'MUSIMAP_CLIENT_ID');
  if (clientId === undefined) throw new UsageError('--client-id is missing (or set MUSIMAP_CLIENT_ID).');
  const clientSecret = await readSecret(io, {
    label: 'Musimap client secret',
    environmentVariable: 'MUSIMAP_CLIENT_SECRET',
  });
  const { environment } = commandLine;
  const baseUrl = settingFrom(io, commandLine.baseUrl, 'MUSIMAP_BASE_URL') ?? defaultMusimapBaseUrl;
  const client = createMusimapClient({
    baseUrl,
    clientId,
    clientSecret,
    ...(environment !== undefined && { environment }),
    ...(logger && { logger }),
  });

  const loginStarted = performance.now();
  const token = await client.getToken();
  const loginMs = performance.now() - loginStarted;
  const callStarted = performance.now();
  const response = await client.api.get('lexicology/tags', { searchParams: { limit: tagsLimit } });
  const { data, totalSize } = unwrapEnvelope(await response.json());
  const callMs = performance.now() - callStarted;
  const count = Array.isArray(data) ? data.length : undefined;
  const tags =
    count === undefined
      ? 'an answer without a list of tags'
      : `${count}${totalSize === undefined ? '' : ` of ${totalSize}`} tags`;

  const expiry = formatExpiry(token.expiresAt, Date.now());
  const at = token.expiresAt === undefined ? '' : ` (at ${new Date(token.expiresAt).toISOString()})`;
  return {
    heading: `Musimap  ${baseUrl}${environment === undefined ? '' : ` (environment ${environment})`}`,
    rows: [
      ['token', `${token.tokenType ?? 'Bearer'}, ${expiry}${at}`],
      ['renewal', 'no refresh token: a new token is requested ahead of expiry'],
      ['login', `POST /oauth/access_tokens/client answered in ${formatDuration(loginMs)}`],
      ['call', `GET /lexicology/tags?limit=${tagsLimit} → ${response.status}, ${tags} in ${formatDuration(callMs)}`],
      ...(commandLine.showToken ? ([['access token', token.accessToken]] as Array<[string, string]>) : []),
    ],
    verdict: 'ok: the credentials were accepted',
    json: {
      provider: 'musimap',
      baseUrl,
      ...(environment !== undefined && { environment }),
      token: {
        type: token.tokenType ?? null,
        expiresAt: token.expiresAt === undefined ? null : new Date(token.expiresAt).toISOString(),
        expiresInSeconds: token.expiresAt === undefined ? null : Math.floor((token.expiresAt - Date.now()) / 1000),
      },
      login: { method: 'POST', path: '/oauth/access_tokens/client', durationMs: Math.round(loginMs) },
      call: {
        method: 'GET',
        path: '/lexicology/tags',
        status: response.status,
        items: count ?? null,
        totalSize: totalSize ?? null,
        durationMs: Math.round(callMs),
      },
      ...(commandLine.showToken && { accessToken: token.accessToken }),
    },
  };
}

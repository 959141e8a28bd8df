/**
 * A log-safe word for a failed Redis call. ioredis errors can carry the command's arguments (the token record) and a
 * connection URL can carry a password, so only an allow-listed code is shown: a Redis reply code such as `WRONGTYPE`
 * or `NOAUTH`, a socket error code such as `ECONNREFUSED`, or else the error's class name.
 */
export function describeRedisFailure(error: unknown): string {
  if (!(error instanceof Error)) return typeof error;
  const code = (error as { code?: unknown }).code;
  if (typeof code === 'string' && /^[A-Z][A-Z0-9_]{1,30}$/.test(code)) return code;
  const replyCode = /^([A-Z][A-Z0-9_]{1,30})(?:\s|$)/.exec(error.message)?.[1];
  if (error.name === 'ReplyError' && replyCode) return replyCode;
  if (error.message === 'Connection is closed.') return 'connection closed';
  if (error.message.startsWith("Stream isn't writeable")) return 'not connected';
  if (error.message === 'Command timed out') return 'command timed out';
  return /^[A-Za-z][A-Za-z0-9]{0,60}$/.test(error.name) ? error.name : 'Error';
}

/**
 * A low-level failure reduced to a short reason safe to show: a system code found along the cause chain (ECONNRESET,
 * UND_ERR_SOCKET, ...), else the deepest short plain-words message of a cause (fetch's "bad port"), else the error's name. Never
 * a longer text: it could quote a URL, a header or a body.
 */
export function failureReason(error: unknown): string {
  let current: unknown = error;
  let reason: string | undefined;
  for (let depth = 0; depth < 5 && current instanceof Object; depth++) {
    const { code, message } = current as { code?: unknown; message?: unknown };
    if (typeof code === 'string' && /^E[A-Z_]+$|^UND_ERR/.test(code)) return code;
    // The deepest short message wins: it says what the wrappers above it only repeat ("fetch failed").
    if (depth > 0 && typeof message === 'string' && /^[a-z][a-z ]{2,39}$/i.test(message)) reason = message;
    current = (current as { cause?: unknown }).cause;
  }
  return reason ?? (error instanceof Error ? error.name : 'unknown');
}

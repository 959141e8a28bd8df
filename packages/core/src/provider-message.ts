/** The longest server message quoted in an error; the whole body stays in `ApiError.data`. */
const maxMessageLength = 300;

/**
 * The provider's own words for an error answer, when its body has them: `message`, else `error` (a sentence, or an
 * object with a `message`), `error_description`, `detail`, `title`, or the first of `errors`. One line, at most 300
 * characters. Call it with a body already scrubbed of every secret the client knows: the text is quoted as it is.
 */
export function providerMessage(data: unknown): string | undefined {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) return undefined;
  const body = data as Record<string, unknown>;
  const nested = (value: unknown) =>
    typeof value === 'object' && value !== null ? (value as Record<string, unknown>).message : value;
  const errors = Array.isArray(body.errors) ? body.errors : [];
  for (const candidate of [
    body.message,
    nested(body.error),
    body.error_description,
    body.detail,
    body.title,
    nested(errors[0]),
  ]) {
    if (typeof candidate !== 'string') continue;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are exactly what is removed.
    const text = candidate.replace(/[\u0000-\u001f\u007f]+/g, ' ').trim();
    if (text !== '') return text.length > maxMessageLength ? `${text.slice(0, maxMessageLength)}…` : text;
  }
  return undefined;
}

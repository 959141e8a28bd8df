import { createSecretScrubber, type SecretScrubber } from './create-secret-scrubber.js';

/**
 * A scrubber that knows everything `parent` knows (now and later) plus what is added to it, which `parent` never
 * learns: a customer's session shares its client's secrets, and its tokens (or a password used for one login) go
 * when the session object goes. `secrets` are known for the life of this scrubber, like a client's fixed ones.
 */
export function extendSecretScrubber(
  parent: SecretScrubber,
  secrets: readonly (string | undefined)[] = [],
): SecretScrubber {
  const own = createSecretScrubber(secrets);
  return {
    add: (...values) => own.add(...values),
    reveals: (text) => parent.reveals(text) || own.reveals(text),
    scrub: (value) => own.scrub(parent.scrub(value)),
    scrubError: (error) => own.scrubError(parent.scrubError(error)),
    // Records pass through the parent's scrubbing, then this one's, then reach the logger.
    wrapLogger: (logger) => parent.wrapLogger(own.wrapLogger(logger)),
  };
}

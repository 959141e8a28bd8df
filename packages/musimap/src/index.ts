export { createMusimapClient, type MusimapClient } from './create-musimap-client.js';
export type { MusimapClientOptions } from './musimap-client-options.js';
export type { MusimapPaginateOptions } from './paginate-musimap.js';
export { defaultMusimapBaseUrl } from './resolve-musimap-settings.js';
export { type MusimapResponse, unwrapEnvelope } from './unwrap-envelope.js';

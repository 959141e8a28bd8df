export {
  createMusimapClient,
  defaultMusimapBaseUrl,
  type MusimapClient,
  type MusimapClientOptions,
} from './create-musimap-client.js';
export { type ParseMusimapTokenContext, parseMusimapToken } from './parse-musimap-token.js';
export { type MusimapResponse, unwrap } from './unwrap.js';

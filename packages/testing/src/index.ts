export { type CapturedRecord, type CapturingLogger, captureLogger } from './capture-logger.js';
export { findLeakedSecrets } from './find-leaked-secrets.js';
export type { GomusEmulatorToken } from './gomus/gomus-emulator-token.js';
export { gomusTestTokens } from './gomus/gomus-test-tokens.js';
export { type GomusEmulatorOptions, startGomusEmulator } from './gomus/start-gomus-emulator.js';
export { musementTestCredentials } from './musement/musement-test-credentials.js';
export type { MusementEmulatorClient, MusementEmulatorUser } from './musement/musement-types.js';
export {
  type MusementEmulatorHandle,
  type MusementEmulatorOptions,
  startMusementEmulator,
} from './musement/start-musement-emulator.js';
export { musimapTestCredentials } from './musimap/musimap-test-credentials.js';
export {
  type MusimapEmulatorClient,
  type MusimapEmulatorOptions,
  startMusimapEmulator,
} from './musimap/start-musimap-emulator.js';
export { findRedisServer } from './redis/find-redis-server.js';
export { type RedisServerHandle, type StartRedisServerOptions, startRedisServer } from './redis/start-redis-server.js';
export type {
  EmulatorCounters,
  EmulatorHandle,
  EmulatorOptions,
  FaultKind,
  FaultMatch,
  FaultSpec,
  RateLimit,
  RecordedRequest,
} from './shared/types.js';

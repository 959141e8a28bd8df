export { gomusTestTokens } from './gomus/gomus-test-tokens.js';
export type { GomusTokenSpec } from './gomus/gomus-token-spec.js';
export { type GomusEmulatorOptions, startGomusEmulator } from './gomus/start-gomus-emulator.js';
export { musementTestCredentials } from './musement/musement-test-credentials.js';
export type { MusementClient, MusementUser } from './musement/musement-types.js';
export {
  type MusementEmulatorHandle,
  type MusementEmulatorOptions,
  startMusementEmulator,
} from './musement/start-musement-emulator.js';
export { musimapTestCredentials } from './musimap/musimap-test-credentials.js';
export {
  type MusimapClient,
  type MusimapEmulatorOptions,
  startMusimapEmulator,
} from './musimap/start-musimap-emulator.js';
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

export { createMusementClient, type MusementClient } from './create-musement-client.js';
export {
  defaultMusementVersion,
  type MusementClientOptions,
  type MusementLoginMethod,
  musementProductionUrl,
  musementSandboxUrl,
} from './musement-client-options.js';

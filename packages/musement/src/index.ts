export { createMusementClient, type MusementClient } from './create-musement-client.js';
export {
  defaultMusementVersion,
  type MusementClientOptions,
  type MusementLoginMethod,
  musementProductionUrl,
  musementSandboxUrl,
} from './musement-client-options.js';
export type { MusementCustomerCredentials, MusementCustomerSession } from './musement-customer-session.js';
export { type MusementPaginateOptions, paginateMusement } from './paginate-musement.js';

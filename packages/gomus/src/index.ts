export type { GomusCustomerLogin, GomusCustomerSession } from './create-customer-sessions.js';
export type { GomusCustomersApi } from './create-customers-api.js';
export { type CreateForeignIdOptions, createForeignId } from './create-foreign-id.js';
export { createGomusClient, type GomusClient } from './create-gomus-client.js';
export type { GomusResourceApi } from './create-resource-api.js';
export { describeAccess } from './describe-access.js';
export type {
  GomusClientOptions,
  GomusCustomerUpdateRequest,
  GomusToken,
  GomusUnknownFieldLogLevel,
} from './gomus-client-options.js';
export type { GomusLocale } from './gomus-locale.js';
export type {
  GomusCustomer,
  GomusCustomerInput,
  GomusMuseum,
  GomusPageMeta,
  GomusTicket,
  GomusVersion,
} from './gomus-records.js';
export { hasAllMuseums } from './has-all-museums.js';
export { type GomusPage, maxPerPage, type PaginateOptions } from './paginate.js';
export type { GomusTranslatable } from './parse-record.js';
export { ValidationError } from './validation-error.js';
export { type GomusAccess, gomusAccessKinds, type WhoAmI } from './who-am-i.js';

import type { HttpOptions, TokenLifecycleOptions } from '@auth/core';

export interface MusimapClientOptions extends HttpOptions, TokenLifecycleOptions {
  /**
   * The Web API root; every `api` path is appended to it. Environment variable: `MUSIMAP_BASE_URL`.
   * @default 'https://api-v2.musimap.io'
   */
  baseUrl?: string;
  /** The client id from the Musimap portal. @default process.env.MUSIMAP_CLIENT_ID */
  clientId?: string;
  /** The client secret from the Musimap portal. Never logged. @default process.env.MUSIMAP_CLIENT_SECRET */
  clientSecret?: string;
  /**
   * A label for the stage this client serves (`dev`, `staging`, `production` or any string). Musimap advises one
   * client per application and environment; the label separates their tokens in a shared `store` and is added to
   * every log record.
   * @default none
   */
  environment?: string;
  /** Allow running where `window` and `document` exist: the secret would be visible to every visitor. @default false */
  dangerouslyAllowBrowser?: boolean;
}

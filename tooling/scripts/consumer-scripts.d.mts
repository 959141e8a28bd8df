/** The @auth/testing exports the consumers use. */
export interface ConsumerCredentials {
  gomusTestTokens: { user: string };
  musementTestCredentials: { clientId: string; clientSecret: string; application: string };
  musimapTestCredentials: { clientId: string; clientSecret: string };
}
export function consumerCode(provider: 'gomus' | 'musement' | 'musimap', testing: ConsumerCredentials): string;
export function esmScript(specifier: string, code: string): string;
export function cjsScript(specifier: string, code: string): string;

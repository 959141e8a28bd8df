/** Credentials the Musement emulator accepts by default. */
export const musementTestCredentials = {
  clientId: 'musement-test-client',
  clientSecret: 'musement-test-client-secret',
  /** Any non-empty `X-Musement-Application` is accepted unless the `applications` option narrows it. */
  application: 'auth-testing',
  /** A customer for the `password` grant. */
  username: 'traveller@example.com',
  password: 'traveller-password',
} as const;

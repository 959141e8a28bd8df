/** Credentials the Musimap emulator accepts by default. */
export const musimapTestCredentials = {
  clientId: '5f0c3a1e-7d2b-4c89-9e41-3b6a2d8f0c17',
  clientSecret: 'musimap-test-client-secret',
  /** Reported as `organization_id` in token responses. */
  organizationId: 'a3e1c9d4-6b7f-4e2a-8c15-9f0d2b4e6a81',
} as const;

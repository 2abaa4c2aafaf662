/**
 * The oidc-provider 9 configuration the tests share: the given clients, dev login and consent pages
 * (driven headless or in chromium), refresh tokens without offline_access, PKCE required, optional
 * refresh-token rotation, test-only cookie keys.
 */
export function oidcTestConfiguration(clients: readonly Record<string, unknown>[], options: { rotateRefreshToken?: boolean } = {}): Record<string, unknown> {
  return {
    clients,
    cookies: { keys: ['test-only-cookie-key'] },
    findAccount: async (_ctx: unknown, sub: string) => ({ accountId: sub, claims: async () => ({ sub }) }),
    // Issue refresh tokens without offline_access/prompt=consent (and, when asked, rotate them on every use).
    issueRefreshToken: async () => true,
    ...(options.rotateRefreshToken ? { rotateRefreshToken: true } : {}),
    pkce: { required: () => true },
    ttl: { AccessToken: 3600, AuthorizationCode: 600, IdToken: 3600, RefreshToken: 86400, Grant: 86400, Session: 86400, Interaction: 3600 },
    features: { devInteractions: { enabled: true } },
  };
}

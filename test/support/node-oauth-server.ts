/**
 * A real OAuth 2.0 token endpoint written by others: @node-oauth/oauth2-server 5 with an in-memory
 * model, on loopback. Like Authlib and many servers, it does NOT form-decode HTTP Basic credentials
 * (checked against @node-oauth/oauth2-server 5.3): `Basic base64(id:secret)` must carry the id and secret
 * exactly as registered.
 *
 * `decodeBasic: true` puts a front in place that form-decodes the Basic user and password first, as
 * RFC 6749 §2.3.1 asks of a server (node-oidc-provider, Keycloak, Spring Authorization Server do so):
 * the same server, then, speaks both dialects of Basic that exist in the wild.
 */
import { randomBytes } from 'node:crypto';
import OAuth2Server, { Request, Response, type AuthorizationCode, type Client, type RefreshToken, type Token, type User } from '@node-oauth/oauth2-server';
import { ALEXA_REDIRECT_URI } from './fake-alexa';
import { decodeBasic, startFakeServer, type FakeServer } from './fake-server';

export interface NodeOAuthServer extends FakeServer {
  /** A fresh authorization code for the client, as the authorize leg would have issued it. */
  issueCode(clientId: string): string;
  /** Token-endpoint calls the model authenticated or refused, by client id as the server read it. */
  readonly clientLookups: { clientId: string; ok: boolean }[];
}

/** RFC 6749 §2.3.1 on the server side: base64, then form-decoding of user and password (fake-server's decoder). */
function decodeBasicHeader(header: string | undefined): string | undefined {
  const credentials = decodeBasic(header);
  return credentials ? `Basic ${Buffer.from(`${credentials.clientId}:${credentials.clientSecret}`, 'utf8').toString('base64')}` : header;
}

export async function startNodeOAuthServer(options: { clients: Record<string, string>; decodeBasic?: boolean }): Promise<NodeOAuthServer> {
  const user: User = { id: 'alexa-user-1' };
  const clients = new Map<string, Client>(
    Object.keys(options.clients).map((id) => [id, { id, redirectUris: [ALEXA_REDIRECT_URI], grants: ['authorization_code', 'refresh_token'] }]),
  );
  const codes = new Map<string, AuthorizationCode>();
  const refreshTokens = new Map<string, RefreshToken>();
  const clientLookups: { clientId: string; ok: boolean }[] = [];

  const oauth = new OAuth2Server({
    model: {
      async getClient(clientId: string, clientSecret: string | null) {
        const client = clients.get(clientId);
        // Compared exactly as received: no decoding of any kind (the server's own behaviour).
        const ok = client !== undefined && (clientSecret === null || options.clients[clientId] === clientSecret);
        clientLookups.push({ clientId, ok });
        return ok ? client! : false;
      },
      async getAuthorizationCode(code: string) {
        return codes.get(code) ?? false;
      },
      async revokeAuthorizationCode(code: AuthorizationCode) {
        return codes.delete(code.authorizationCode);
      },
      async saveToken(token: Token, client: Client, u: User) {
        const saved = { ...token, client, user: u };
        if (token.refreshToken) refreshTokens.set(token.refreshToken, saved as RefreshToken);
        return saved;
      },
      async getRefreshToken(refreshToken: string) {
        return refreshTokens.get(refreshToken) ?? false;
      },
      async revokeToken(token: RefreshToken | Token) {
        return refreshTokens.delete(token.refreshToken!);
      },
      async verifyScope() {
        return true;
      },
      async getAccessToken() {
        return false;
      },
    },
    accessTokenLifetime: 3600,
  });

  const server = await startFakeServer(async (rec, res) => {
    const headers = { ...rec.headers };
    if (options.decodeBasic) {
      const decoded = decodeBasicHeader(headers['authorization']);
      if (decoded !== undefined) headers['authorization'] = decoded;
    }
    const request = new Request({ headers, method: rec.method, query: rec.query, body: rec.body });
    const response = new Response({ headers: {} });
    try {
      await oauth.token(request, response);
    } catch {
      // The library has shaped the error answer in `response` (RFC 6749 §5.2, 401 + challenge for Basic).
    }
    res.writeHead(response.status ?? 500, { 'content-type': 'application/json;charset=UTF-8', ...(response.headers as Record<string, string>) });
    res.end(JSON.stringify(response.body ?? {}));
  });

  return {
    ...server,
    clientLookups,
    issueCode(clientId: string): string {
      const code = randomBytes(16).toString('hex');
      codes.set(code, {
        authorizationCode: code,
        expiresAt: new Date(Date.now() + 600_000),
        redirectUri: ALEXA_REDIRECT_URI,
        client: clients.get(clientId)!,
        user,
      });
      return code;
    },
  };
}

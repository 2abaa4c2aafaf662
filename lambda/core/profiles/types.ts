/**
 * Provider profiles: every way a provider's token endpoint differs from RFC 6749, as data.
 * The shape follows the quirk taxonomy (request shaping, response parsing, error normalisation,
 * field normalisation, refresh semantics, redirect-leg capture) so that new providers are new
 * data, not new code. Each quirk a profile sets names the documentation it rests on in `sources`.
 */
import type { OAuthErrorCode } from '../oauth-error';

/** How our adapter authenticates to the provider's token endpoint (RFC 6749 §2.3). */
export type UpstreamClientAuth =
  /** Forward the credentials the way Alexa sent them (Basic stays Basic, body stays body). */
  | { method: 'as_received' }
  /**
   * HTTP Basic. When Alexa used Basic too, its header is forwarded byte for byte. When Alexa sent the
   * credentials in the body, the adapter builds the header: `encoding` `form` (default) form-encodes
   * id and secret first as RFC 6749 §2.3.1 requires; `raw` leaves them as they are, for servers that do
   * not form-decode Basic (Authlib, @node-oauth/oauth2-server). The two differ only for ids and secrets
   * with characters outside A-Z a-z 0-9 `*-._`.
   */
  | { method: 'client_secret_basic'; encoding?: 'form' | 'raw' }
  /** In the request body, optionally under provider-specific parameter names. */
  | { method: 'client_secret_post'; idParam?: string; secretParam?: string }
  /** Only `client_id` in the body (public clients, Home Assistant). */
  | { method: 'none'; idParam?: string }
  /**
   * Sign in with Apple: `client_id` and a `client_secret` that is an ES256 JWT the adapter mints per
   * request from the team's private key (config `appleTeamId`, `appleKeyId`, `applePrivateKeySecretArn`).
   */
  | { method: 'apple_jwt' };

export interface AuthorizeShaping {
  /** Extra query parameters on the provider's authorize URL (e.g. `access_type=offline`). */
  extraParams: Readonly<Record<string, string>>;
  /** Scopes always added (e.g. `offline_access`). */
  addScopes: readonly string[];
  /** Delimiter the provider expects between scopes. */
  scopeDelimiter: ' ' | ',';
  /** PKCE toward the provider (RFC 7636). */
  pkce: 'required' | 'supported' | 'unsupported';
  /** Whether the provider puts implicit-grant answers in the query instead of the fragment. */
  responseMode?: 'query' | 'fragment' | 'form_post';
}

export interface TokenRequestShaping {
  method: 'POST' | 'GET';
  /** How the parameters travel: form body (RFC 6749 §4.1.3), JSON body, or the query string. */
  bodyEncoding: 'form' | 'json' | 'query';
  clientAuth: UpstreamClientAuth;
  /** Constant parameters added to every token request (Withings: `action=requesttoken`). */
  extraParams: Readonly<Record<string, string>>;
  /** Extra request headers (GitHub: `Accept: application/json`). */
  headers: Readonly<Record<string, string>>;
  /** Whether to forward Alexa's `redirect_uri` on the code exchange (RFC 6749 §4.1.3). */
  sendRedirectUri: boolean;
}

export interface ResponseParsing {
  /** `sniff`: trust the body over the Content-Type header (GitHub's header does not always match). */
  format: 'json' | 'form' | 'sniff';
  /** Dot path of the object that holds the token fields (Withings: `body`). */
  envelope?: string;
  /** Dot path to a nested token object to prefer (Slack user tokens: `authed_user`). */
  nestedTokens?: string;
  /** Success check on the parsed body besides "no error" (Withings `status == 0`, Slack `ok == true`). */
  successWhen?: { path: string; equals: string | number | boolean };
}

export interface ErrorNormalisation {
  /** Dot paths tried in order for the provider's error code. */
  codePaths: readonly string[];
  /** Dot paths tried in order for a human-readable description. */
  descriptionPaths: readonly string[];
  /** Provider codes → RFC 6749 §5.2 codes (e.g. GitHub `bad_verification_code` → `invalid_grant`). */
  codeMap: Readonly<Record<string, OAuthErrorCode>>;
  /** Provider HTTP statuses to rewrite (Auth0 403 invalid_grant → 400). */
  statusMap: Readonly<Record<string, number>>;
}

export interface FieldNormalisation {
  /** Synthesised `expires_in` when the provider sends none (seconds); undefined: leave it to Alexa's console default. */
  defaultExpiresIn?: number;
  /** Field holding an absolute expiry (epoch seconds), used when `expires_in` is missing (Strava `expires_at`). */
  expiresAtField?: string;
  /** Delimiter of `scope` in the provider's answer (GitHub: comma); normalised to space (RFC 6749 §3.3). */
  responseScopeDelimiter: ' ' | ',';
}

export interface RefreshSemantics {
  /** The provider's refresh answer usually omits `refresh_token` (Google): re-emit the one Alexa presented. */
  omitsRefreshToken: boolean;
  /** Whether the code exchange can come back without a refresh token and what the user should change. */
  noRefreshTokenHint?: string;
  /**
   * What using a refresh token does to it:
   * - `none`: it stays valid (Google, Apple, Dropbox);
   * - `rotating`: a new one comes back, and the old one stays usable for a while (Microsoft, Withings, LWA);
   * - `single_use`: it dies when used, or a second use is punished (GitHub App, Fitbit, X, Slack, Strava,
   *   Notion, Okta with rotation): no request but the one holding the in-progress marker ever calls the
   *   provider with it; when the table cannot coordinate, the adapter answers 503 instead (README "Refresh
   *   safety"). When a provider's docs say the old token is invalidated, or do not say it survives, choose
   *   `single_use`: a wrong `single_use` costs a 503 while the table is down, a wrong `rotating` a dead link.
   */
  rotation: 'none' | 'rotating' | 'single_use';
  /** Known hard limits that end in `invalid_grant`, in plain language. */
  invalidGrantHint?: string;
}

export interface QuirkSource {
  /** Which quirk this source backs, e.g. "response.format". */
  quirk: string;
  url: string;
  /** ✅ provider docs, 🔧 library code, ⚠️ secondary, ❓ unverified (providers.md legend). */
  confidence: 'official' | 'library' | 'secondary' | 'unverified';
}

export interface ProviderProfile {
  id: string;
  displayName: string;
  /** Default endpoints; the configuration's `tokenUrl`/`authorizeUrl` win. */
  tokenUrl?: string;
  authorizeUrl?: string;
  authorize: AuthorizeShaping;
  tokenRequest: TokenRequestShaping;
  response: ResponseParsing;
  errors: ErrorNormalisation;
  fields: FieldNormalisation;
  refresh: RefreshSemantics;
  sources: readonly QuirkSource[];
}

/** The record of one request on the authorization leg (`GET /authorize`, `GET /callback`). */
import type { RecordBase, UpstreamSummary } from '../exchange-record';

export interface AuthorizeRecord extends RecordBase {
  route: 'GET /authorize' | 'GET /callback';
  method: string;
  path: string;
  provider: string;
  /** `interception` (the only mode that serves these routes). */
  mode: string;
  /** `code` or `token` (implicit grant), as Alexa asked; clipped. */
  responseType?: string;
  clientIdFp?: string;
  /** Alexa's redirect_uri: host and vendor id only when it passed the check. */
  redirect?: { host: string; vendorId: string };
  /** Scope Alexa asked for, and what was sent to the provider (delimiter and added scopes applied). */
  scope?: string;
  upstreamScope?: string;
  /** Fingerprints of Alexa's state and of ours (the provider sees only ours). */
  alexaStateFp?: string;
  stateFp?: string;
  /** PKCE per leg: what Alexa used toward us, what we use toward the provider. */
  pkce?: { alexa: 'S256' | 'plain' | 'none'; provider: 'S256' | 'none' };
  /** Callback: the provider's code, error code, and how long the user took since /authorize. */
  codeFp?: string;
  providerError?: string;
  grantAgeS?: number;
  /** Implicit grant only: the provider's token endpoint as called from /callback. */
  upstream?: UpstreamSummary;
  tokens?: { accessTokenFp?: string; tokenType?: string; expiresIn?: number };
  /** What the browser got: a page or a redirect (to the provider or to Alexa), and the error sent, if any. */
  response: { status: number; kind: 'page' | 'redirect'; to?: 'provider' | 'alexa'; error?: string };
  outcome: 'success' | 'rejected' | 'provider_error' | 'upstream_error' | 'adapter_error';
}

/**
 * Validates the token request Alexa sends to our Access Token URI, in the order a spec-faithful
 * token endpoint checks it (cf. node-oidc-provider lib/actions/token.js): method, media type,
 * size, body syntax, duplicate parameters, grant type, grant parameters, client authentication.
 */
import type { CodeOf } from '../contract/verdicts';
import { parseBasicAuthorization, type BasicAuthError, type BasicCredentials, type ClientCredentials } from './basic-auth';
import type { ClientAuthScheme } from './exchange-record';
import { parseForm, type FormParseError } from './form';
import type { HttpRequest } from './http-types';
import { grantTypeName, parameterNames } from './log-values';
import { OAuthError, type OAuthErrorCode, type OAuthErrorOptions } from './oauth-error';

/** Largest token request body we accept. Alexa's are < 4 KiB; LWA-style refresh tokens ≤ 2 KiB. */
export const MAX_TOKEN_REQUEST_BYTES = 16 * 1024;

export type GrantType = 'authorization_code' | 'refresh_token';

/** Parameters each grant may carry besides client credentials (RFC 6749 §4.1.3, §6; RFC 7636 §4.5). */
const GRANT_PARAMETERS: Record<GrantType, { required: readonly string[]; optional: readonly string[] }> = {
  authorization_code: { required: ['code'], optional: ['redirect_uri', 'code_verifier'] },
  refresh_token: { required: ['refresh_token'], optional: ['scope'] },
};

export interface TokenRequest {
  grantType: GrantType;
  /** Grant parameters only (no client credentials, no grant_type). */
  params: ReadonlyMap<string, string>;
  /** Parameters Alexa sent that RFC 6749 does not define for this grant, not forwarded; as the log names them (log-values.ts). */
  dropped: readonly string[];
  credentials: ClientCredentials | { clientId: string; clientSecret?: undefined } | undefined;
  scheme: ClientAuthScheme;
  /** Scheme `basic`: Alexa's base64 token as received, forwarded unchanged to a provider that takes Basic too. */
  basicToken?: string;
}

export interface PartialTokenRequestInfo {
  grantType?: string;
  scheme?: ClientAuthScheme;
  clientId?: string;
}

/** The verdict of a refused request (the catalogue's error codes; lambda/contract/verdicts.ts). */
export type RefusalCode = CodeOf<'error'>;

/** Thrown for a request we refuse; carries what was learned before the refusal, for the log. */
export class TokenRequestError extends OAuthError {
  constructor(
    code: OAuthErrorCode,
    description: string,
    readonly verdictCode: RefusalCode,
    readonly info: PartialTokenRequestInfo,
    options: OAuthErrorOptions = {},
  ) {
    super(code, description, options);
  }
}

function reject(code: OAuthErrorCode, description: string, verdictCode: RefusalCode, info: PartialTokenRequestInfo, options?: OAuthErrorOptions): never {
  throw new TokenRequestError(code, description, verdictCode, info, options);
}

export function parseTokenRequest(req: HttpRequest): TokenRequest {
  const info: PartialTokenRequestInfo = {};
  // RFC 6749 §3.2: the token endpoint accepts POST only.
  if (req.method !== 'POST') {
    reject('invalid_request', 'the token endpoint accepts POST only', 'bad_method', info, { status: 405, headers: { allow: 'POST' } });
  }
  // RFC 6749 §4.1.3 / §6: parameters use application/x-www-form-urlencoded.
  const mediaType = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (mediaType !== 'application/x-www-form-urlencoded') {
    reject('invalid_request', 'Content-Type must be application/x-www-form-urlencoded', 'bad_content_type', info, { status: mediaType === '' ? 400 : 415 });
  }
  if (req.body.length > MAX_TOKEN_REQUEST_BYTES) {
    reject('invalid_request', `request body exceeds ${MAX_TOKEN_REQUEST_BYTES} bytes`, 'body_too_large', info, { status: 413 });
  }
  let form;
  try {
    form = parseForm(req.body);
  } catch (err) {
    // parseForm throws FormParseError only.
    reject('invalid_request', `malformed form body: ${(err as FormParseError).message}`, 'malformed_body', info);
  }
  const { params } = form;
  const grantType = params.get('grant_type');
  // Logged from a closed set: a `;`-separated body can put a code into grant_type.
  if (grantType !== undefined) info.grantType = grantTypeName(grantType);
  // RFC 6749 §3.2: request and response parameters MUST NOT be included more than once.
  if (form.repeated.length > 0) {
    reject('invalid_request', `parameters must not be repeated: ${parameterNames(form.repeated).join(', ')}`, 'repeated_parameter', info);
  }

  // Client authentication (RFC 6749 §2.3): Basic header or body credentials, never both.
  const authorization = req.headers['authorization'];
  let basic: BasicCredentials | undefined;
  if (authorization !== undefined && authorization !== '') {
    try {
      basic = parseBasicAuthorization(authorization);
    } catch (err) {
      // parseBasicAuthorization throws BasicAuthError only. RFC 6749 §5.2: 401 with the Basic challenge.
      info.scheme = 'basic';
      reject('invalid_client', (err as BasicAuthError).message, 'bad_basic_credentials', info, { status: 401 });
    }
    if (!basic) {
      reject('invalid_client', 'only the Basic authentication scheme is supported (RFC 6749 §2.3.1)', 'unsupported_auth_scheme', info, { status: 401 });
    }
  }
  const bodyId = params.get('client_id');
  const bodySecret = params.get('client_secret');
  let credentials: TokenRequest['credentials'];
  let scheme: ClientAuthScheme;
  if (basic) {
    scheme = 'basic';
    info.scheme = scheme;
    info.clientId = basic.clientId;
    // RFC 6749 §2.3: a client MUST NOT use more than one authentication method in each request.
    if (bodySecret !== undefined) {
      reject('invalid_request', 'client credentials were sent both in the Authorization header and in the body', 'two_auth_methods', info);
    }
    if (bodyId !== undefined && bodyId !== basic.clientId) {
      reject('invalid_request', 'client_id in the body does not match the Basic credentials', 'client_id_mismatch', info);
    }
    credentials = { clientId: basic.clientId, clientSecret: basic.clientSecret };
  } else if (bodyId !== undefined && bodyId !== '') {
    scheme = 'body';
    info.scheme = scheme;
    info.clientId = bodyId;
    credentials = bodySecret !== undefined ? { clientId: bodyId, clientSecret: bodySecret } : { clientId: bodyId };
  } else {
    scheme = 'none';
    info.scheme = scheme;
    credentials = undefined;
  }

  if (grantType === undefined || grantType === '') {
    reject('invalid_request', 'grant_type is required', 'missing_grant_type', info);
  }
  if (!Object.hasOwn(GRANT_PARAMETERS, grantType)) {
    // The value is echoed only when it is a registered grant type, never what the request made of it.
    const named = grantTypeName(grantType);
    reject('unsupported_grant_type', `grant_type ${named === 'other' ? '' : `"${named}" `}is not supported; Alexa uses authorization_code and refresh_token`, 'unsupported_grant_type', info);
  }
  const rules = GRANT_PARAMETERS[grantType as GrantType];
  for (const name of rules.required) {
    if (!params.get(name)) reject('invalid_request', `${name} is required for grant_type ${grantType}`, 'missing_parameter', info);
  }
  if (!credentials) {
    // RFC 6749 §5.2: 401, whose challenge names the scheme to use (RFC 9110 §15.5.2).
    reject('invalid_client', 'client authentication is required: HTTP Basic or client_id/client_secret in the body', 'missing_client_auth', info, { status: 401 });
  }

  const grantParams = new Map<string, string>();
  const dropped: string[] = [];
  const allowed = new Set([...rules.required, ...rules.optional]);
  for (const [name, value] of params) {
    if (name === 'grant_type' || name === 'client_id' || name === 'client_secret') continue;
    if (allowed.has(name)) grantParams.set(name, value);
    else dropped.push(name);
  }
  return { grantType: grantType as GrantType, params: grantParams, dropped: parameterNames(dropped), credentials, scheme, ...(basic ? { basicToken: basic.token } : {}) };
}

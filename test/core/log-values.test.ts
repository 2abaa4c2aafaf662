/**
 * The closed sets (lambda/core/log-values.ts): what a request or a provider sends is named in a
 * record or an error answer only when it is one of the registered values; anything else is the
 * fixed token `other`, so a secret smuggled into a grant_type, a parameter name, a token_type or a
 * Content-Type cannot travel into the log. The registered values are listed here from their
 * registries (RFC 6749, the IANA OAuth parameters registry, OpenID Connect), not read from the module.
 */
import { describe, expect, it } from 'vitest';
import {
  OAUTH_ERROR_CODES,
  OTHER,
  grantTypeName,
  identifierName,
  mediaTypeName,
  methodName,
  parameterName,
  parameterNames,
  responseTypeName,
  tokenTypeName,
} from '../../lambda/core/log-values';

const SECRET = 'c0de-4f1a9e2b77';

describe('closed sets: registered values are named, everything else is `other`', () => {
  it.each([
    'authorization_code',
    'refresh_token',
    'password',
    'client_credentials',
    'implicit',
    'urn:ietf:params:oauth:grant-type:device_code',
    'urn:ietf:params:oauth:grant-type:jwt-bearer',
    'urn:ietf:params:oauth:grant-type:saml2-bearer',
    'urn:ietf:params:oauth:grant-type:token-exchange',
    'urn:openid:params:grant-type:ciba',
  ])('grant_type %s is named as itself', (name) => {
    expect(grantTypeName(name)).toBe(name);
  });

  it.each([
    'grant_type', 'code', 'redirect_uri', 'code_verifier', 'refresh_token', 'scope', 'client_id', 'client_secret', 'state',
    'response_type', 'response_mode', 'code_challenge', 'code_challenge_method', 'nonce', 'prompt', 'login_hint', 'access_type',
    'username', 'password', 'assertion', 'client_assertion', 'client_assertion_type', 'audience', 'resource', 'device_code',
    'subject_token', 'subject_token_type', 'actor_token', 'actor_token_type', 'requested_token_type', 'include_granted_scopes',
    'claims', 'request', 'request_uri', 'display', 'max_age', 'ui_locales', 'id_token_hint', 'acr_values', 'dpop_jkt',
  ])('parameter name %s is named as itself', (name) => {
    expect(parameterName(name)).toBe(name);
  });

  it.each(['code', 'token', 'id_token', 'none', 'code token', 'code id_token', 'id_token token', 'code id_token token'])('response_type %s is named as itself', (name) => {
    expect(responseTypeName(name)).toBe(name);
  });

  it.each(['Bearer', 'bearer', 'BEARER', 'mac', 'MAC', 'DPoP', 'dpop', 'N_A', 'pop', 'PoP', 'user', 'bot'])('token_type %s is named as itself', (name) => {
    expect(tokenTypeName(name)).toBe(name);
  });

  it.each(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS', 'CONNECT', 'TRACE', 'UNKNOWN'])('method %s is named as itself', (name) => {
    expect(methodName(name)).toBe(name);
  });

  it.each([
    'application/json', 'application/x-www-form-urlencoded', 'text/plain', 'text/html', 'application/xml', 'text/xml',
    'application/problem+json', 'application/jwt', 'application/octet-stream', 'application/javascript', 'text/javascript',
    'application/xhtml+xml', 'text/json', 'application/vnd.api+json', 'application/hal+json',
  ])('media type %s is named as itself', (name) => {
    expect(mediaTypeName(name)).toBe(name);
  });

  it.each([
    'invalid_request', 'invalid_client', 'invalid_grant', 'unauthorized_client', 'unsupported_grant_type', 'invalid_scope',
    'access_denied', 'unsupported_response_type', 'server_error', 'temporarily_unavailable', 'invalid_token', 'insufficient_scope',
    'authorization_pending', 'slow_down', 'expired_token', 'interaction_required', 'login_required', 'account_selection_required',
    'consent_required', 'invalid_request_uri', 'invalid_request_object', 'request_not_supported', 'request_uri_not_supported',
    'registration_not_supported', 'invalid_dpop_proof', 'use_dpop_nonce',
  ])('OAuth error code %s is in the set', (code) => {
    expect(OAUTH_ERROR_CODES.has(code)).toBe(true);
  });

  it('a value outside a set is `other`, never itself, whatever it carries (a code in a `;`-separated grant_type, a token in token_type)', () => {
    expect(OTHER).toBe('other');
    expect(grantTypeName(`authorization_code;code=${SECRET}`)).toBe(OTHER);
    expect(grantTypeName('Authorization_Code')).toBe(OTHER); // registered values are case-sensitive (RFC 6749 §3.1)
    expect(parameterName(SECRET)).toBe(OTHER);
    expect(responseTypeName(`code ${SECRET}`)).toBe(OTHER);
    expect(tokenTypeName(SECRET)).toBe(OTHER);
    expect(methodName('post')).toBe(OTHER);
    expect(OAUTH_ERROR_CODES.has(SECRET)).toBe(false);
    // The empty string is a value too (an empty grant_type=), and not a registered one.
    expect(grantTypeName('')).toBe(OTHER);
    expect(tokenTypeName('')).toBe(OTHER);
  });

  it('nothing is named when nothing was sent', () => {
    for (const name of [grantTypeName, parameterName, responseTypeName, tokenTypeName, methodName]) {
      expect(name(undefined)).toBeUndefined();
      expect(name(null)).toBeUndefined();
    }
  });
});

describe('parameterNames: known names once each, the rest counted', () => {
  it('keeps registered names in order, each once, and counts the others', () => {
    expect(parameterNames(['code', 'state', 'code', SECRET, 'scope', `${SECRET}2`, 'x'])).toEqual(['code', 'state', 'scope', 'other ×3']);
  });
  it('one unknown name is `other`, without a count', () => {
    expect(parameterNames(['grant_type', SECRET])).toEqual(['grant_type', 'other']);
  });
  it('only unknown names, or none at all', () => {
    expect(parameterNames([SECRET, SECRET])).toEqual(['other ×2']);
    expect(parameterNames([])).toEqual([]);
    expect(parameterNames(new Set(['redirect_uri']))).toEqual(['redirect_uri']);
  });
});

describe('mediaTypeName: the media type of a Content-Type, from the closed set', () => {
  it('drops parameters and whitespace, and compares case-insensitively (RFC 9110 §8.3.1)', () => {
    expect(mediaTypeName('Application/JSON; charset=utf-8')).toBe('application/json');
    expect(mediaTypeName('  text/html ;charset=ISO-8859-1')).toBe('text/html');
    expect(mediaTypeName('application/x-www-form-urlencoded;')).toBe('application/x-www-form-urlencoded');
  });
  it('anything else is `other`: a type outside the set, a secret echoed into the header', () => {
    expect(mediaTypeName('application/evil')).toBe(OTHER);
    expect(mediaTypeName(`text/plain-${SECRET}`)).toBe(OTHER);
    expect(mediaTypeName(`${SECRET}; charset=utf-8`)).toBe(OTHER);
    expect(mediaTypeName('; charset=utf-8')).toBe(OTHER);
  });
  it('no header, or a blank one, names nothing', () => {
    expect(mediaTypeName(undefined)).toBeUndefined();
    expect(mediaTypeName(null)).toBeUndefined();
    expect(mediaTypeName('')).toBeUndefined();
    expect(mediaTypeName('   ')).toBeUndefined();
  });
});

describe('identifierName: a name from code (an error class, a socket error code)', () => {
  it('letters, digits and `_`, starting with a letter, up to 40 characters, is named as itself', () => {
    for (const name of ['ECONNRESET', 'AccessDeniedException', 'x', 'UND_ERR_SOCKET', `A${'b9_'.repeat(13)}`]) expect(identifierName(name)).toBe(name);
    expect(`A${'b9_'.repeat(13)}`).toHaveLength(40);
  });
  it('anything else is `other`', () => {
    for (const value of [undefined, '', '9lives', '_private', 'Access Denied', 'a-b', `A${'b'.repeat(40)}`, `x ${SECRET}`, `${SECRET}!`, 'ok\nforged', ' ECONNRESET']) {
      expect(identifierName(value)).toBe(OTHER);
    }
  });
});

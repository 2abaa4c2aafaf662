/** OAuth error answers (RFC 6749 §5.2) and the 401 challenge (RFC 9110 §15.5.2). */
import { describe, expect, it } from 'vitest';
import { OAuthError, RFC6749_TOKEN_ERRORS, TOKEN_RESPONSE_HEADERS, errorAnswer, invalidClientStatus } from '../../lambda/core/oauth-error';

const CHALLENGE = 'Basic realm="alexa-link-adapter", charset="UTF-8"';

describe('OAuthError', () => {
  it('defaults: 400, no challenge, no headers, no detail', () => {
    const e = new OAuthError('invalid_grant', 'nope');
    expect([e.status, e.challenge, e.headers, e.detail, e.name, e.message]).toEqual([400, false, {}, undefined, 'OAuthError', 'invalid_grant: nope']);
  });
  it('invalid_client with a challenge defaults to 401; without one to 400', () => {
    expect(new OAuthError('invalid_client', 'x', { challenge: true }).status).toBe(401);
    expect(new OAuthError('invalid_client', 'x').status).toBe(400);
    expect(new OAuthError('invalid_grant', 'x', { challenge: true }).status).toBe(400);
    // Only a 401 carries the challenge.
    expect(new OAuthError('invalid_grant', 'x', { challenge: true }).challenge).toBe(false);
    expect(new OAuthError('invalid_client', 'x', { challenge: true }).challenge).toBe(true);
  });
  it('a 401 always carries the challenge, whatever the options say (RFC 9110 §15.5.2)', () => {
    expect(new OAuthError('invalid_client', 'x', { status: 401 }).challenge).toBe(true);
    expect(new OAuthError('invalid_client', 'x', { status: 401, challenge: false }).challenge).toBe(true);
    expect(new OAuthError('invalid_request', 'x', { status: 404 }).challenge).toBe(false);
  });
  it('keeps status, headers and detail it is given', () => {
    const e = new OAuthError('invalid_request', 'x', { status: 405, headers: { allow: 'POST' }, detail: 'd' });
    expect([e.status, e.headers, e.detail]).toEqual([405, { allow: 'POST' }, 'd']);
  });
});

describe('errorAnswer', () => {
  it('is the §5.2 JSON body with no-store headers', () => {
    const a = errorAnswer(new OAuthError('invalid_scope', 'bad scope', { status: 400 }));
    expect(a).toEqual({ status: 400, headers: { ...TOKEN_RESPONSE_HEADERS }, body: '{"error":"invalid_scope","error_description":"bad scope"}' });
    expect(TOKEN_RESPONSE_HEADERS).toEqual({ 'content-type': 'application/json;charset=UTF-8', 'cache-control': 'no-store', pragma: 'no-cache' });
  });
  it('adds the Basic challenge to every 401, and extra headers to the answer', () => {
    const a = errorAnswer(new OAuthError('invalid_client', 'x', { status: 401, headers: { 'x-extra': '1' } }));
    expect(a.headers).toEqual({ ...TOKEN_RESPONSE_HEADERS, 'x-extra': '1', 'www-authenticate': CHALLENGE });
    expect(errorAnswer(new OAuthError('invalid_client', 'x')).headers).not.toHaveProperty('www-authenticate');
  });
});

describe('invalidClientStatus (RFC 6749 §5.2)', () => {
  it('401 for Basic and for no credentials; 400 for body credentials', () => {
    expect(invalidClientStatus('basic')).toBe(401);
    expect(invalidClientStatus('none')).toBe(401);
    expect(invalidClientStatus('body')).toBe(400);
  });
});

describe('RFC6749_TOKEN_ERRORS', () => {
  it('is exactly the §5.2 codes plus the two §4.1.2.1 ones used for upstream trouble', () => {
    expect([...RFC6749_TOKEN_ERRORS].sort()).toEqual(
      ['invalid_client', 'invalid_grant', 'invalid_request', 'invalid_scope', 'server_error', 'temporarily_unavailable', 'unauthorized_client', 'unsupported_grant_type'],
    );
  });
});

/**
 * The token-route scenario table: each seed failure reproduced against a scripted provider, Alexa's
 * requests, and what `diagnose` must say. The authorization leg and smart home are walked by
 * flow-scenarios.ts; cases where the code alone would mislead (a code exchanged twice, GET /token,
 * an unreachable provider by its cause) are in diagnose-cases.test.ts.
 */
import { ALEXA_REDIRECT_URI, type TokenCall } from '../support/fake-alexa';
import type { Scenario } from './scenario-runner';

const CLIENT = { clientId: 'skill-client', clientSecret: 'skill-secret' };
const basic = (params: Record<string, string>): TokenCall => ({ scheme: 'basic', ...CLIENT, params });
const code = (c: string) => basic({ grant_type: 'authorization_code', code: c, redirect_uri: ALEXA_REDIRECT_URI });
const refresh = (rt: string) => basic({ grant_type: 'refresh_token', refresh_token: rt });
const tokens = (n: string, extra: Record<string, unknown> = {}) => ({ access_token: `at-${n}`, token_type: 'Bearer', expires_in: 3600, refresh_token: `rt-${n}`, ...extra });

export const SCENARIOS: Scenario[] = [
  {
    name: 'healthy link',
    seed: '(none: code exchange, then a refresh that rotates the refresh token)',
    provider: 'generic',
    answers: [{ status: 200, json: tokens('1') }, { status: 200, json: tokens('2') }],
    requests: [code('code-healthy'), refresh('rt-1')],
    findings: [],
    handled: [],
  },
  {
    name: 'form-encoded token answer',
    seed: 'Github will fail: the access token must be sent in JSON',
    provider: 'generic',
    answers: [{ status: 200, form: { access_token: 'at-f', token_type: 'bearer', expires_in: '3600', refresh_token: 'rt-f' } }],
    requests: [code('code-form')],
    findings: [],
    handled: ['form_encoded_answer'],
  },
  {
    name: 'client-auth scheme mismatch',
    seed: 'Amazon supports HTTP basic and credentials in request body',
    provider: 'generic',
    answers: [{ status: 401, json: { error: 'invalid_client', error_description: 'client authentication failed' } }],
    requests: [code('code-auth')],
    findings: ['client_auth_mismatch'],
  },
  {
    name: 'no refresh token (Google)',
    seed: 'Google: refresh_token only the first time a user authorizes, or without access_type=offline',
    provider: 'google',
    answers: [{ status: 200, json: { access_token: 'ya29.g', token_type: 'Bearer', expires_in: 3599, scope: 'openid' } }],
    requests: [code('code-google')],
    findings: ['no_refresh_token'],
  },
  {
    name: 'access token TTL under 6 minutes',
    seed: 'Ensure that the access token time to live (TTL) is more than 5 minutes',
    provider: 'generic',
    answers: [{ status: 200, json: tokens('ttl', { expires_in: 300 }) }],
    requests: [code('code-ttl')],
    findings: ['short_ttl'],
  },
  {
    name: 'refresh token invalidated after rotation',
    seed: 'Ensure that you are not invalidating refresh tokens too early',
    provider: 'generic',
    answers: [
      { status: 200, json: tokens('r1') },
      { status: 200, json: tokens('r2') },
      { status: 400, json: { error: 'invalid_grant', error_description: 'refresh token already used' } },
    ],
    requests: [code('code-rot'), refresh('rt-r1'), refresh('rt-r1')],
    findings: ['refresh_invalidated'],
  },
  {
    name: 'provider slower than the budget',
    seed: 'Check that your server is responding within 4.5 seconds',
    provider: 'generic',
    upstreamTimeoutMs: 150,
    answers: [{ hang: true }],
    requests: [code('code-slow')],
    findings: ['upstream_slow'],
  },
  {
    name: 'success with 201',
    seed: 'When sending your response with the access token, make sure you send a 200 OK status code',
    provider: 'generic',
    answers: [{ status: 201, json: tokens('201') }],
    requests: [code('code-201')],
    findings: [],
    handled: ['non_200_success'],
  },
  {
    name: 'code refused with HTTP 200 (GitHub)',
    seed: 'Check the responses from your authorization server (error sent by your authorization server)',
    provider: 'github',
    answers: [{ status: 200, json: { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.' } }],
    requests: [code('code-gh-bad')],
    findings: ['code_rejected'],
    handled: ['error_in_success_status'],
  },
  {
    name: 'token URL answers an HTML page',
    seed: 'Check your authorization server for logs (what you are sending back to Alexa)',
    provider: 'generic',
    answers: [{ status: 200, text: '<!DOCTYPE html><html><body><form action="/login"></form></body></html>', contentType: 'text/html' }],
    requests: [code('code-html')],
    findings: ['upstream_broken'],
  },
  {
    name: 'wrong Access Token URI path',
    seed: '(console misconfiguration: Access Token URI)',
    provider: 'generic',
    answers: [{ status: 200, json: tokens('x') }],
    requests: [{ ...code('code-path'), path: '/oauth/access_token' }],
    findings: ['wrong_access_token_uri'],
  },
  {
    name: 'provider wants the other auth scheme (bare 401)',
    seed: 'If your service uses another type of authentication, account linking will fail',
    provider: 'generic',
    answers: [{ status: 401, text: '', contentType: 'text/plain' }],
    requests: [{ scheme: 'body', ...CLIENT, params: { grant_type: 'authorization_code', code: 'code-bare401', redirect_uri: ALEXA_REDIRECT_URI } }],
    findings: ['client_auth_mismatch'],
  },
  {
    name: 'Google refresh rejected (Testing app, 7 days)',
    seed: 'after some time the customer has to link accounts again',
    provider: 'google',
    answers: [
      { status: 200, json: { access_token: 'ya29.t', token_type: 'Bearer', expires_in: 3599, refresh_token: '1//rt-t' } },
      { status: 400, json: { error: 'invalid_grant', error_description: 'Token has been expired or revoked.' } },
    ],
    requests: [code('code-gtest'), refresh('1//rt-t')],
    findings: ['refresh_invalidated'],
  },
];

/**
 * How each provider's token endpoint behaves, as its documentation (or the source named in its
 * profile) says: what it expects on the request and what it answers. The conformance suite
 * generates one fake provider per row (fake-provider.ts) and runs Alexa's exchanges through the
 * local adapter against it. `expect` says what Alexa must receive and which quirk the log must name.
 */

export interface Minted {
  /** Access and refresh token values the fake issues for this answer. */
  at: string;
  rt: string;
  /** Epoch seconds, for `expires_at`. */
  nowS: number;
}

/** What the exchange record must say: entries of `translated` and verdict codes (subsets). */
export interface Marks {
  translated?: string[];
  verdicts?: string[];
  /** Substring of a verdict message (e.g. the profile's hint). */
  message?: string;
}

export interface ErrorCase {
  status: number;
  body: Record<string, unknown>;
  /** What Alexa must receive (RFC 6749 §5.2). */
  expect: { status: 400 | 401; error: string } & Marks;
}

export interface ProviderBehaviour {
  profile: string;
  clientId?: string;
  /** Client authentication the provider requires on its token endpoint. */
  auth: 'basic' | 'body' | 'none' | 'apple_jwt';
  /** Request body encoding the provider requires. */
  encoding: 'form' | 'json';
  /** Parameters the provider requires besides RFC 6749's. */
  extraParams?: Record<string, string>;
  /** The answer is form-encoded unless the request's Accept asks for JSON (GitHub). */
  formUnlessAcceptJson?: boolean;
  code: { status?: number; answer: (t: Minted) => Record<string, unknown>; expect: { expiresIn?: number; accessToken?: 'at'; refreshToken: boolean } & Marks };
  refresh?: {
    answer: (t: Minted) => Record<string, unknown>;
    /** none: old refresh token stays valid; rotating: new one issued, old one too stays valid; single_use: old one dies. */
    rotation: 'none' | 'rotating' | 'single_use';
    expect: { refreshToken: 'retained' | 'rotated' | 'same' } & Marks;
  };
  badCode: ErrorCase;
  badClient: ErrorCase;
  badRefresh?: ErrorCase;
  /** More documented answers, each triggered by sending its key as the authorization code. */
  more?: Record<string, ErrorCase | { status?: number; answer: (t: Minted) => Record<string, unknown>; expect: { expiresIn?: number } & Marks }>;
}

const rfc = (error: string, description?: string) => ({ error, ...(description ? { error_description: description } : {}) });

export const BEHAVIOURS: ProviderBehaviour[] = [
  {
    profile: 'generic',
    auth: 'basic',
    encoding: 'form',
    code: { answer: (t) => ({ access_token: t.at, token_type: 'Bearer', expires_in: 3600, refresh_token: t.rt }), expect: { expiresIn: 3600, refreshToken: true, verdicts: ['ok'] } },
    refresh: { rotation: 'none', answer: (t) => ({ access_token: t.at, token_type: 'Bearer', expires_in: 3600 }), expect: { refreshToken: 'retained', verdicts: ['refresh_token_retained'] } },
    badCode: { status: 400, body: rfc('invalid_grant'), expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] } },
    badClient: { status: 401, body: rfc('invalid_client'), expect: { status: 401, error: 'invalid_client', verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: rfc('invalid_grant'), expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'] } },
  },
  {
    profile: 'github',
    auth: 'body',
    encoding: 'form',
    formUnlessAcceptJson: true,
    code: {
      answer: (t) => ({ access_token: t.at, scope: 'repo,gist', token_type: 'bearer' }),
      expect: { refreshToken: false, translated: ['scope comma → space', 'token_type bearer → Bearer'], verdicts: ['no_refresh_token', 'no_expires_in'], message: 'Default Access Token Expiration Time' },
    },
    badCode: { status: 200, body: { error: 'bad_verification_code', error_description: 'The code passed is incorrect or expired.', error_uri: 'https://docs.github.com/apps/managing-oauth-apps/troubleshooting-oauth-app-access-token-request-errors/#bad-verification-code' }, expect: { status: 400, error: 'invalid_grant', translated: ['error bad_verification_code → invalid_grant'], verdicts: ['error_in_success_status', 'code_rejected'] } },
    badClient: { status: 200, body: rfc('incorrect_client_credentials', 'The client_id and/or client_secret passed are incorrect.'), expect: { status: 401, error: 'invalid_client', verdicts: ['error_in_success_status', 'client_rejected'] } },
  },
  {
    profile: 'github-app',
    auth: 'body',
    encoding: 'form',
    formUnlessAcceptJson: true,
    code: {
      answer: (t) => ({ access_token: t.at, expires_in: 28800, refresh_token: t.rt, refresh_token_expires_in: 15897600, scope: '', token_type: 'bearer' }),
      expect: { expiresIn: 28800, refreshToken: true, translated: ['token_type bearer → Bearer'] },
    },
    refresh: {
      rotation: 'single_use',
      answer: (t) => ({ access_token: t.at, expires_in: 28800, refresh_token: t.rt, refresh_token_expires_in: 15897600, scope: '', token_type: 'bearer' }),
      expect: { refreshToken: 'rotated', verdicts: ['refresh_token_rotated'], message: 'single use' },
    },
    badCode: { status: 200, body: rfc('bad_verification_code', 'The code passed is incorrect or expired.'), expect: { status: 400, error: 'invalid_grant', verdicts: ['error_in_success_status', 'code_rejected'] } },
    badClient: { status: 200, body: rfc('incorrect_client_credentials'), expect: { status: 401, error: 'invalid_client', verdicts: ['client_rejected'] } },
    badRefresh: { status: 200, body: rfc('bad_refresh_token', 'The refresh token passed is incorrect or expired.'), expect: { status: 400, error: 'invalid_grant', verdicts: ['error_in_success_status', 'refresh_rejected'], message: '6 months' } },
  },
  {
    profile: 'google',
    auth: 'basic',
    encoding: 'form',
    code: { answer: (t) => ({ access_token: t.at, expires_in: 3599, refresh_token: t.rt, scope: 'openid email', token_type: 'Bearer', id_token: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' }), expect: { expiresIn: 3599, refreshToken: true, verdicts: ['ok'] } },
    refresh: { rotation: 'none', answer: (t) => ({ access_token: t.at, expires_in: 3599, scope: 'openid email', token_type: 'Bearer' }), expect: { refreshToken: 'retained', translated: ['refresh_token retained'], verdicts: ['refresh_token_retained'] } },
    badCode: { status: 400, body: rfc('invalid_grant', 'Bad Request'), expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] } },
    badClient: { status: 401, body: rfc('invalid_client', 'Unauthorized'), expect: { status: 401, error: 'invalid_client', verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: rfc('invalid_grant', 'Token has been expired or revoked.'), expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'], message: '7 days' } },
  },
  {
    profile: 'microsoft',
    auth: 'basic',
    encoding: 'form',
    code: { answer: (t) => ({ token_type: 'Bearer', scope: 'User.Read offline_access', expires_in: 3599, ext_expires_in: 3599, access_token: t.at, refresh_token: t.rt }), expect: { expiresIn: 3599, refreshToken: true, verdicts: ['ok'] } },
    refresh: { rotation: 'rotating', answer: (t) => ({ token_type: 'Bearer', scope: 'User.Read offline_access', expires_in: 3599, access_token: t.at, refresh_token: t.rt }), expect: { refreshToken: 'rotated', verdicts: ['refresh_token_rotated'] } },
    badCode: {
      status: 400,
      body: { error: 'invalid_grant', error_description: 'AADSTS70000: The provided authorization code is invalid or has expired. Trace ID: 0000', error_codes: [70000], timestamp: '2026-11-25 15:00:00Z', trace_id: '0000', correlation_id: '1111' },
      expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] },
    },
    badClient: { status: 401, body: { error: 'invalid_client', error_description: 'AADSTS7000215: Invalid client secret provided.', error_codes: [7000215] }, expect: { status: 401, error: 'invalid_client', verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: { error: 'invalid_grant', error_description: 'AADSTS700082: The refresh token has expired due to inactivity.', error_codes: [700082] }, expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'], message: '90 days' } },
  },
  {
    profile: 'slack',
    auth: 'basic',
    encoding: 'form',
    code: {
      answer: (t) => ({
        ok: true,
        app_id: 'A0KRD7HC3',
        authed_user: { id: 'U1234', scope: 'identity.basic,identity.email', access_token: t.at, token_type: 'user', refresh_token: t.rt, expires_in: 43200 },
        scope: 'commands,incoming-webhook',
        token_type: 'bot',
        access_token: 'xoxb-bot-token-not-for-alexa',
        bot_user_id: 'U0KRQLJ9H',
        team: { name: 'Slack Softball Team', id: 'T9TK3CUKW' },
        enterprise: null,
        is_enterprise_install: false,
      }),
      expect: { expiresIn: 43200, accessToken: 'at', refreshToken: true, translated: ['tokens taken from authed_user', 'scope comma → space', 'token_type user → Bearer'], verdicts: ['token_type_replaced'] },
    },
    refresh: { rotation: 'rotating', answer: (t) => ({ ok: true, access_token: t.at, token_type: 'user', expires_in: 43200, refresh_token: t.rt }), expect: { refreshToken: 'rotated', verdicts: ['refresh_token_rotated'] } },
    badCode: { status: 200, body: { ok: false, error: 'invalid_code' }, expect: { status: 400, error: 'invalid_grant', translated: ['error invalid_code → invalid_grant'], verdicts: ['error_in_success_status', 'code_rejected'] } },
    badClient: { status: 200, body: { ok: false, error: 'bad_client_secret' }, expect: { status: 401, error: 'invalid_client', translated: ['error bad_client_secret → invalid_client'], verdicts: ['client_rejected'] } },
    badRefresh: { status: 200, body: { ok: false, error: 'invalid_refresh_token' }, expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'] } },
    more: {
      'used-code': { status: 200, body: { ok: false, error: 'code_already_used' }, expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] } },
      'bad-redirect': { status: 200, body: { ok: false, error: 'bad_redirect_uri' }, expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] } },
    },
  },
  {
    profile: 'apple',
    clientId: 'com.example.skill.signin',
    auth: 'apple_jwt',
    encoding: 'form',
    code: { answer: (t) => ({ access_token: t.at, token_type: 'Bearer', expires_in: 3600, refresh_token: t.rt, id_token: 'eyJraWQiOiJBSURPUEsxIn0.e30.sig' }), expect: { expiresIn: 3600, refreshToken: true, verdicts: ['ok'] } },
    refresh: { rotation: 'none', answer: (t) => ({ access_token: t.at, token_type: 'Bearer', expires_in: 3600 }), expect: { refreshToken: 'retained', translated: ['refresh_token retained'], verdicts: ['refresh_token_retained'] } },
    badCode: { status: 400, body: rfc('invalid_grant'), expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] } },
    badClient: { status: 400, body: rfc('invalid_client'), expect: { status: 401, error: 'invalid_client', translated: ['status 400 → 401'], verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: rfc('invalid_grant'), expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'] } },
  },
  {
    profile: 'fitbit',
    auth: 'basic',
    encoding: 'form',
    code: { answer: (t) => ({ access_token: t.at, expires_in: 28800, refresh_token: t.rt, scope: 'activity heartrate', token_type: 'Bearer', user_id: 'GGNJL9' }), expect: { expiresIn: 28800, refreshToken: true, verdicts: ['ok'] } },
    refresh: { rotation: 'single_use', answer: (t) => ({ access_token: t.at, expires_in: 28800, refresh_token: t.rt, scope: 'activity heartrate', token_type: 'Bearer', user_id: 'GGNJL9' }), expect: { refreshToken: 'rotated', verdicts: ['refresh_token_rotated'], message: 'single use' } },
    badCode: {
      status: 400,
      body: { errors: [{ errorType: 'invalid_grant', message: 'Authorization code invalid: c0de Visit https://dev.fitbit.com/docs/oauth2 for more information on the Fitbit Web API authorization process.' }], success: false },
      expect: { status: 400, error: 'invalid_grant', translated: ['error taken from errors.0.errorType'], verdicts: ['code_rejected'] },
    },
    badClient: { status: 401, body: { errors: [{ errorType: 'invalid_client', message: 'Invalid authorization header format.' }], success: false }, expect: { status: 401, error: 'invalid_client', translated: ['error taken from errors.0.errorType'], verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: { errors: [{ errorType: 'invalid_grant', message: 'Refresh token invalid: r3fr3sh.' }], success: false }, expect: { status: 400, error: 'invalid_grant', translated: ['error taken from errors.0.errorType'], verdicts: ['refresh_rejected'], message: 'single-use' } },
  },
  {
    profile: 'withings',
    auth: 'body',
    encoding: 'form',
    extraParams: { action: 'requesttoken' },
    code: {
      answer: (t) => ({ status: 0, body: { userid: '363', access_token: t.at, refresh_token: t.rt, expires_in: 10800, scope: 'user.info,user.metrics', csrf_token: 'PACnnxwHTaBQOzF7bQqwFUUotIuvtzSM', token_type: 'Bearer' } }),
      expect: { expiresIn: 10800, refreshToken: true, translated: ['unwrapped body', 'scope comma → space'] },
    },
    refresh: { rotation: 'rotating', answer: (t) => ({ status: 0, body: { userid: '363', access_token: t.at, refresh_token: t.rt, expires_in: 10800, scope: 'user.info,user.metrics', token_type: 'Bearer' } }), expect: { refreshToken: 'rotated', translated: ['unwrapped body'], verdicts: ['refresh_token_rotated'] } },
    badCode: { status: 200, body: { status: 503, body: {}, error: 'Invalid Params: invalid code' }, expect: { status: 400, error: 'invalid_grant', verdicts: ['error_in_success_status', 'code_rejected'] } },
    // Withings' error texts are not codes: a wrong client reads as a failed grant (see the README: what the adapter cannot fix).
    badClient: { status: 200, body: { status: 503, body: {}, error: 'Invalid Params: invalid client_id' }, expect: { status: 400, error: 'invalid_grant', verdicts: ['error_in_success_status'] } },
    badRefresh: { status: 200, body: { status: 503, body: {}, error: 'Invalid Params: invalid refresh_token' }, expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'] } },
  },
  {
    profile: 'reddit',
    auth: 'basic',
    encoding: 'form',
    code: { answer: (t) => ({ access_token: t.at, token_type: 'bearer', expires_in: 86400, refresh_token: t.rt, scope: 'identity read' }), expect: { expiresIn: 86400, refreshToken: true, translated: ['token_type bearer → Bearer'] } },
    refresh: { rotation: 'none', answer: (t) => ({ access_token: t.at, token_type: 'bearer', expires_in: 86400, scope: 'identity read' }), expect: { refreshToken: 'retained', verdicts: ['refresh_token_retained'] } },
    badCode: { status: 200, body: rfc('invalid_grant'), expect: { status: 400, error: 'invalid_grant', verdicts: ['error_in_success_status', 'code_rejected'] } },
    badClient: { status: 401, body: { message: 'Unauthorized', error: 401 }, expect: { status: 401, error: 'invalid_client', translated: ['error 401 → invalid_client'], verdicts: ['client_rejected'] } },
    badRefresh: { status: 200, body: rfc('invalid_grant'), expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'] } },
  },
  {
    profile: 'strava',
    auth: 'body',
    encoding: 'form',
    code: {
      answer: (t) => ({ token_type: 'Bearer', expires_at: t.nowS + 21600, expires_in: 21600, refresh_token: t.rt, access_token: t.at, athlete: { id: 134815, username: 'marianne_t' } }),
      expect: { expiresIn: 21600, refreshToken: true, verdicts: ['ok'] },
    },
    refresh: { rotation: 'rotating', answer: (t) => ({ token_type: 'Bearer', access_token: t.at, expires_at: t.nowS + 21600, expires_in: 21600, refresh_token: t.rt }), expect: { refreshToken: 'rotated', verdicts: ['refresh_token_rotated'] } },
    badCode: { status: 400, body: { message: 'Bad Request', errors: [{ resource: 'AuthorizationCode', field: 'code', code: 'invalid' }] }, expect: { status: 400, error: 'invalid_grant', translated: ['error taken from errors.0.resource', 'error AuthorizationCode → invalid_grant'], verdicts: ['code_rejected'] } },
    badClient: { status: 400, body: { message: 'Bad Request', errors: [{ resource: 'Application', field: 'client_id', code: 'invalid' }] }, expect: { status: 401, error: 'invalid_client', translated: ['error Application → invalid_client'], verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: { message: 'Bad Request', errors: [{ resource: 'RefreshToken', field: 'refresh_token', code: 'invalid' }] }, expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'] } },
    more: {
      // The profile's fallback when only the absolute expiry is given.
      'expires-at-only': { answer: (t) => ({ token_type: 'Bearer', expires_at: t.nowS + 21600, refresh_token: t.rt, access_token: t.at }), expect: { expiresIn: 21600, translated: ['expires_at → expires_in'] } },
    },
  },
  {
    profile: 'x',
    auth: 'basic',
    encoding: 'form',
    code: { answer: (t) => ({ token_type: 'bearer', expires_in: 7200, access_token: t.at, scope: 'tweet.read users.read offline.access', refresh_token: t.rt }), expect: { expiresIn: 7200, refreshToken: true, translated: ['token_type bearer → Bearer'] } },
    refresh: { rotation: 'single_use', answer: (t) => ({ token_type: 'bearer', expires_in: 7200, access_token: t.at, scope: 'tweet.read users.read offline.access', refresh_token: t.rt }), expect: { refreshToken: 'rotated', verdicts: ['refresh_token_rotated'], message: 'single use' } },
    badCode: {
      status: 400,
      body: { error: 'invalid_request', error_description: 'Value passed for the authorization code was invalid.', errors: [{ message: 'Value passed for the authorization code was invalid.' }] },
      expect: { status: 400, error: 'invalid_grant', translated: ['error invalid_request → invalid_grant'], verdicts: ['code_rejected'] },
    },
    badClient: { status: 401, body: rfc('unauthorized_client', 'Missing valid authorization header'), expect: { status: 400, error: 'unauthorized_client', translated: ['status 401 → 400'], verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: rfc('invalid_request', 'Value passed for the token was invalid.'), expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'] } },
  },
  {
    profile: 'spotify',
    auth: 'basic',
    encoding: 'form',
    code: { answer: (t) => ({ access_token: t.at, token_type: 'Bearer', scope: 'user-read-private user-read-email', expires_in: 3600, refresh_token: t.rt }), expect: { expiresIn: 3600, refreshToken: true, verdicts: ['ok'] } },
    refresh: { rotation: 'none', answer: (t) => ({ access_token: t.at, token_type: 'Bearer', scope: 'user-read-private user-read-email', expires_in: 3600 }), expect: { refreshToken: 'retained', verdicts: ['refresh_token_retained'] } },
    badCode: { status: 400, body: rfc('invalid_grant', 'Invalid authorization code'), expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] } },
    badClient: { status: 400, body: rfc('invalid_client', 'Invalid client'), expect: { status: 401, error: 'invalid_client', verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: rfc('invalid_grant', 'Refresh token revoked'), expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'], message: '6 months' } },
  },
  {
    profile: 'home-assistant',
    clientId: 'https://pitangui.amazon.com/',
    auth: 'none',
    encoding: 'form',
    code: { answer: (t) => ({ access_token: t.at, token_type: 'Bearer', refresh_token: t.rt, expires_in: 1800 }), expect: { expiresIn: 1800, refreshToken: true, verdicts: ['ok'] } },
    refresh: { rotation: 'none', answer: (t) => ({ access_token: t.at, token_type: 'Bearer', expires_in: 1800 }), expect: { refreshToken: 'retained', verdicts: ['refresh_token_retained'] } },
    badCode: { status: 400, body: rfc('invalid_request', 'Invalid code'), expect: { status: 400, error: 'invalid_grant', translated: ['error invalid_request → invalid_grant'], verdicts: ['code_rejected'] } },
    // Home Assistant looks the code up together with the client_id: a wrong client reads as an invalid code.
    badClient: { status: 400, body: rfc('invalid_request', 'Invalid code'), expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] } },
    badRefresh: { status: 400, body: rfc('invalid_grant'), expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'] } },
    more: {
      'inactive-user': { status: 403, body: rfc('access_denied', 'User is not active'), expect: { status: 400, error: 'invalid_grant', translated: ['status 403 → 400', 'error access_denied → invalid_grant'], verdicts: ['code_rejected'] } },
    },
  },
  {
    profile: 'notion',
    auth: 'basic',
    encoding: 'json',
    code: {
      answer: (t) => ({ access_token: t.at, token_type: 'bearer', refresh_token: t.rt, bot_id: 'b0t', workspace_id: 'w0rk', workspace_name: 'Acme', workspace_icon: null, owner: { type: 'user', user: { object: 'user', id: 'u1' } }, duplicated_template_id: null, request_id: 'r1' }),
      expect: { refreshToken: true, verdicts: ['no_expires_in'] },
    },
    refresh: { rotation: 'rotating', answer: (t) => ({ access_token: t.at, token_type: 'bearer', refresh_token: t.rt, bot_id: 'b0t', workspace_id: 'w0rk', request_id: 'r2' }), expect: { refreshToken: 'rotated', verdicts: ['refresh_token_rotated'] } },
    badCode: { status: 400, body: rfc('invalid_grant', 'Invalid code.'), expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] } },
    badClient: { status: 401, body: rfc('invalid_client', 'Invalid client.'), expect: { status: 401, error: 'invalid_client', verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: rfc('invalid_grant', 'Invalid refresh token.'), expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'] } },
  },
  {
    profile: 'dropbox',
    auth: 'basic',
    encoding: 'form',
    code: { answer: (t) => ({ access_token: t.at, expires_in: 14400, token_type: 'bearer', scope: 'account_info.read', refresh_token: t.rt, account_id: 'dbid:AAH4', uid: '12345' }), expect: { expiresIn: 14400, refreshToken: true, translated: ['token_type bearer → Bearer'] } },
    refresh: { rotation: 'none', answer: (t) => ({ access_token: t.at, expires_in: 14400, token_type: 'bearer' }), expect: { refreshToken: 'retained', verdicts: ['refresh_token_retained'] } },
    badCode: { status: 400, body: rfc('invalid_grant', "code doesn't exist or has expired"), expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] } },
    badClient: { status: 400, body: rfc('invalid_client', 'Invalid client_id or client_secret'), expect: { status: 401, error: 'invalid_client', verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: rfc('invalid_grant', 'refresh token is invalid or revoked'), expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'] } },
  },
  {
    profile: 'auth0',
    auth: 'basic',
    encoding: 'form',
    code: { answer: (t) => ({ access_token: t.at, refresh_token: t.rt, id_token: 'eyJhbGciOiJSUzI1NiJ9.e30.sig', token_type: 'Bearer', expires_in: 86400, scope: 'openid offline_access' }), expect: { expiresIn: 86400, refreshToken: true, verdicts: ['ok'] } },
    refresh: { rotation: 'none', answer: (t) => ({ access_token: t.at, id_token: 'eyJhbGciOiJSUzI1NiJ9.e30.sig', token_type: 'Bearer', expires_in: 86400, scope: 'openid offline_access' }), expect: { refreshToken: 'retained', verdicts: ['refresh_token_retained'] } },
    badCode: { status: 403, body: rfc('invalid_grant', 'Invalid authorization code'), expect: { status: 400, error: 'invalid_grant', translated: ['status 403 → 400'], verdicts: ['code_rejected'] } },
    badClient: { status: 401, body: rfc('access_denied', 'Unauthorized'), expect: { status: 401, error: 'invalid_client', translated: ['error access_denied → invalid_client'], verdicts: ['client_rejected'] } },
    badRefresh: { status: 403, body: rfc('invalid_grant', 'Unknown or invalid refresh token.'), expect: { status: 400, error: 'invalid_grant', translated: ['status 403 → 400'], verdicts: ['refresh_rejected'] } },
  },
  {
    profile: 'okta',
    auth: 'basic',
    encoding: 'form',
    code: { answer: (t) => ({ token_type: 'Bearer', expires_in: 3600, access_token: t.at, scope: 'openid offline_access', refresh_token: t.rt, id_token: 'eyJhbGciOiJSUzI1NiJ9.e30.sig' }), expect: { expiresIn: 3600, refreshToken: true, verdicts: ['ok'] } },
    refresh: { rotation: 'rotating', answer: (t) => ({ token_type: 'Bearer', expires_in: 3600, access_token: t.at, scope: 'openid offline_access', refresh_token: t.rt }), expect: { refreshToken: 'rotated', verdicts: ['refresh_token_rotated'] } },
    badCode: { status: 400, body: rfc('invalid_grant', 'The authorization code is invalid or has expired.'), expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] } },
    badClient: { status: 401, body: rfc('invalid_client', 'The client secret supplied for a confidential client is invalid.'), expect: { status: 401, error: 'invalid_client', verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: rfc('invalid_grant', 'The refresh token is invalid or expired.'), expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'] } },
  },
  {
    profile: 'cognito',
    auth: 'basic',
    encoding: 'form',
    code: { answer: (t) => ({ id_token: 'eyJraWQiOiJrMSJ9.e30.sig', access_token: t.at, refresh_token: t.rt, expires_in: 3600, token_type: 'Bearer' }), expect: { expiresIn: 3600, refreshToken: true, verdicts: ['ok'] } },
    refresh: { rotation: 'none', answer: (t) => ({ id_token: 'eyJraWQiOiJrMSJ9.e30.sig', access_token: t.at, expires_in: 3600, token_type: 'Bearer' }), expect: { refreshToken: 'retained', translated: ['refresh_token retained'], verdicts: ['refresh_token_retained'] } },
    badCode: { status: 400, body: rfc('invalid_grant'), expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] } },
    badClient: { status: 400, body: rfc('invalid_client'), expect: { status: 401, error: 'invalid_client', verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: rfc('invalid_grant'), expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'], message: '30 days' } },
  },
  {
    profile: 'lwa',
    clientId: 'amzn1.application-oa2-client.0123456789abcdef',
    auth: 'basic',
    encoding: 'form',
    code: { answer: (t) => ({ access_token: t.at, refresh_token: t.rt, token_type: 'bearer', expires_in: 3600 }), expect: { expiresIn: 3600, refreshToken: true, translated: ['token_type bearer → Bearer'] } },
    refresh: { rotation: 'rotating', answer: (t) => ({ access_token: t.at, refresh_token: t.rt, token_type: 'bearer', expires_in: 3600 }), expect: { refreshToken: 'rotated', verdicts: ['refresh_token_rotated'] } },
    badCode: { status: 400, body: rfc('invalid_grant', 'The request has an invalid grant parameter : code'), expect: { status: 400, error: 'invalid_grant', verdicts: ['code_rejected'] } },
    badClient: { status: 401, body: rfc('invalid_client', 'Client authentication failed'), expect: { status: 401, error: 'invalid_client', verdicts: ['client_rejected'] } },
    badRefresh: { status: 400, body: rfc('invalid_grant', 'The request has an invalid grant parameter : refresh_token'), expect: { status: 400, error: 'invalid_grant', verdicts: ['refresh_rejected'] } },
  },
];

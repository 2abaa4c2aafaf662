/**
 * The provider-profile format, written once as a valibot schema: the built-in profiles are typed by
 * it (types.ts infers `ProviderProfile` from it) and custom profiles in the configuration
 * (`profile`: a whole profile, or `extends: "<built-in id>"` plus overrides) are checked by it, at
 * synth, at local start and at a Lambda's cold start. No AWS imports.
 */
import * as v from 'valibot';
import { describeIssues, didYouMean } from '../config-problems';
import { RFC6749_TOKEN_ERRORS, type OAuthErrorCode } from '../oauth-error';
import { extendProfile, type ProfilePatch } from './extend';
import type { ProviderProfile } from './types';

/**
 * Fields a profile no longer has (nothing read them): a configuration that still sets one is told
 * what to do instead of getting a bare "unknown field".
 */
export const RETIRED_PROFILE_FIELDS: Readonly<Record<string, string>> = {
  'profile.tokenUrl': 'no longer a profile field: the token endpoint is the configuration\'s own tokenUrl; remove it',
  'profile.refresh.omitsRefreshToken':
    'no longer a profile field: a refresh answer without a refresh token always gets the one Alexa presented; remove it',
};

const CLIENT_AUTH_METHODS = ['as_received', 'client_secret_basic', 'client_secret_post', 'none', 'apple_jwt'] as const;
const ERROR_CODES = [...RFC6749_TOKEN_ERRORS] as OAuthErrorCode[];
const oneOf = (values: readonly (string | number)[]) => `must be one of ${values.map((x) => JSON.stringify(x)).join(', ')}`;

const text = v.pipe(v.string('must be a string'), v.minLength(1, 'must not be empty'), v.maxLength(500, 'must be at most 500 characters'));
const paramName = v.pipe(v.string('must be a string'), v.regex(/^[A-Za-z0-9_.\-[\]]{1,64}$/, 'must be a parameter name (letters, digits, _ . - [ ])'));
const dotPath = v.pipe(v.string('must be a string'), v.regex(/^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/, 'must be a dot path such as "body" or "errors.0.errorType"'));
const headerName = v.pipe(v.string(), v.regex(/^[a-z0-9-]{1,64}$/, 'header names must be lower-case tokens'));
const httpsUrl = v.pipe(v.string('must be a string'), v.url('must be an absolute URL'), v.startsWith('https://', 'must use https'));
const scopeDelimiter = v.picklist([' ', ','], oneOf([' ', ',']));
const seconds = v.pipe(v.number('must be a number'), v.integer('must be an integer'), v.minValue(1, 'must be at least 1'), v.maxValue(31_536_000 * 10, 'must be at most ten years'));

/** How the adapter authenticates to the provider's token endpoint (RFC 6749 §2.3). */
const clientAuth = v.variant(
  'method',
  [
    /** Forward the credentials the way Alexa sent them (Basic stays Basic, body stays body). */
    v.strictObject({ method: v.literal('as_received') }),
    /**
     * HTTP Basic. When Alexa used Basic too, its header is forwarded byte for byte. When Alexa sent the
     * credentials in the body, the adapter builds the header: `encoding` `form` (default) form-encodes
     * id and secret first as RFC 6749 §2.3.1 requires; `raw` leaves them as they are, for servers that do
     * not form-decode Basic (Authlib, @node-oauth/oauth2-server). The two differ only for ids and secrets
     * with characters outside A-Z a-z 0-9 `*-._`.
     */
    v.strictObject({ method: v.literal('client_secret_basic'), encoding: v.optional(v.picklist(['form', 'raw'], oneOf(['form', 'raw']))) }),
    /** In the request body, optionally under provider-specific parameter names. */
    v.strictObject({ method: v.literal('client_secret_post'), idParam: v.optional(paramName), secretParam: v.optional(paramName) }),
    /** Only `client_id` in the body (public clients, Home Assistant). */
    v.strictObject({ method: v.literal('none'), idParam: v.optional(paramName) }),
    /**
     * Sign in with Apple: `client_id` and a `client_secret` that is an ES256 JWT the adapter mints per
     * request from the team's private key (config `appleTeamId`, `appleKeyId`, `applePrivateKeySecretArn`).
     */
    v.strictObject({ method: v.literal('apple_jwt') }),
  ],
  oneOf(CLIENT_AUTH_METHODS),
);

const sections = {
  /** The authorize leg toward the provider (interception mode). */
  authorize: v.strictObject({
    /** Extra query parameters on the provider's authorize URL (e.g. `access_type=offline`). */
    extraParams: v.record(paramName, v.string()),
    /** Scopes always added (e.g. `offline_access`). */
    addScopes: v.array(v.pipe(v.string(), v.regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope token (RFC 6749 §3.3)'))),
    /** Delimiter the provider expects between scopes. */
    scopeDelimiter,
    /** PKCE toward the provider (RFC 7636). */
    pkce: v.picklist(['required', 'supported', 'unsupported'], oneOf(['required', 'supported', 'unsupported'])),
    /** Whether the provider puts implicit-grant answers in the query instead of the fragment. */
    responseMode: v.optional(v.picklist(['query', 'fragment', 'form_post'], oneOf(['query', 'fragment', 'form_post']))),
  }),
  tokenRequest: v.strictObject({
    method: v.picklist(['POST', 'GET'], oneOf(['POST', 'GET'])),
    /** How the parameters travel: form body (RFC 6749 §4.1.3), JSON body, or the query string. */
    bodyEncoding: v.picklist(['form', 'json', 'query'], oneOf(['form', 'json', 'query'])),
    clientAuth,
    /** Constant parameters added to every token request (Withings: `action=requesttoken`). */
    extraParams: v.record(paramName, v.string()),
    /** Extra request headers (GitHub: `Accept: application/json`). */
    headers: v.record(headerName, v.string()),
    /** Whether to forward Alexa's `redirect_uri` on the code exchange (RFC 6749 §4.1.3). */
    sendRedirectUri: v.boolean('must be true or false'),
  }),
  response: v.strictObject({
    /** `sniff`: trust the body over the Content-Type header (GitHub's header does not always match). */
    format: v.picklist(['json', 'form', 'sniff'], oneOf(['json', 'form', 'sniff'])),
    /** Dot path of the object that holds the token fields (Withings: `body`). */
    envelope: v.optional(dotPath),
    /** Dot path to a nested token object to prefer (Slack user tokens: `authed_user`). */
    nestedTokens: v.optional(dotPath),
    /** Success check on the parsed body besides "no error" (Withings `status == 0`, Slack `ok == true`). */
    successWhen: v.optional(v.strictObject({ path: dotPath, equals: v.union([v.string(), v.number(), v.boolean()], 'must be a string, number or boolean') })),
  }),
  errors: v.strictObject({
    /** Dot paths tried in order for the provider's error code. */
    codePaths: v.array(dotPath),
    /** Dot paths tried in order for a human-readable description. */
    descriptionPaths: v.array(dotPath),
    /** Provider codes → RFC 6749 §5.2 codes (e.g. GitHub `bad_verification_code` → `invalid_grant`). */
    codeMap: v.record(v.string(), v.picklist(ERROR_CODES, oneOf(ERROR_CODES))),
    /** Provider HTTP statuses to rewrite (Auth0 403 invalid_grant → 400). */
    statusMap: v.record(
      v.pipe(v.string(), v.regex(/^[1-5]\d\d$/, 'keys must be HTTP statuses')),
      v.pipe(v.number(), v.integer(), v.minValue(400, 'must be a 4xx status'), v.maxValue(499, 'must be a 4xx status')),
    ),
  }),
  fields: v.strictObject({
    /** Synthesised `expires_in` when the provider sends none (seconds); unset: leave it to Alexa's console default. */
    defaultExpiresIn: v.optional(seconds),
    /** Field holding an absolute expiry (epoch seconds), used when `expires_in` is missing (Strava `expires_at`). */
    expiresAtField: v.optional(paramName),
    /** Delimiter of `scope` in the provider's answer (GitHub: comma); normalised to space (RFC 6749 §3.3). */
    responseScopeDelimiter: scopeDelimiter,
  }),
  refresh: v.strictObject({
    /** Whether the code exchange can come back without a refresh token and what the user should change. */
    noRefreshTokenHint: v.optional(text),
    /**
     * What using a refresh token does to it:
     * - `none`: it stays valid (Google, Apple, Dropbox);
     * - `rotating`: a new one comes back, and the old one stays usable for a while (Microsoft, Withings, LWA);
     * - `single_use`: it dies when used, or a second use is punished (GitHub App, Fitbit, X, Slack, Strava,
     *   Notion, Okta with rotation): no request but the one holding the in-progress marker ever calls the
     *   provider with it; when the table cannot coordinate, the adapter answers 503 instead (docs/refresh-safety.md).
     *   When a provider's docs say the old token is invalidated, or do not say it survives, choose
     *   `single_use`: a wrong `single_use` costs a 503 while the table is down, a wrong `rotating` a dead link.
     * A refresh answer without a refresh token needs no setting: the adapter always returns the one Alexa presented.
     */
    rotation: v.picklist(['none', 'rotating', 'single_use'], oneOf(['none', 'rotating', 'single_use'])),
    /** Known hard limits that end in `invalid_grant`, in plain language. */
    invalidGrantHint: v.optional(text),
  }),
};

/** The documentation a quirk rests on. */
const source = v.strictObject({
  /** Which quirk this source backs, e.g. "response.format". */
  quirk: text,
  url: httpsUrl,
  /** Provider docs, library code, a secondary source, or unverified. */
  confidence: v.picklist(['official', 'library', 'secondary', 'unverified'], oneOf(['official', 'library', 'secondary', 'unverified'])),
});

/** A whole profile, as the built-in ones are. */
export const ProviderProfileSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a lowercase profile id')),
  displayName: text,
  /** The provider's authorization endpoint, when it is the same for every client (the configuration's `authorizeUrl` wins). */
  authorizeUrl: v.optional(httpsUrl),
  ...sections,
  sources: v.array(source),
});

/**
 * What the configuration's `profile` field accepts: every profile field (all optional, checked for
 * type and value here), `extends`, and `displayName`; `id` is the configuration's `provider`.
 * Completeness (a profile without `extends` must give every section) is checked by `buildCustomProfile`.
 */
export const CustomProfileSchema = v.strictObject({
  extends: v.optional(v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a built-in profile id'))),
  displayName: v.optional(text),
  authorizeUrl: v.optional(httpsUrl),
  authorize: v.optional(v.partial(sections.authorize)),
  tokenRequest: v.optional(v.partial(sections.tokenRequest)),
  response: v.optional(v.partial(sections.response)),
  errors: v.optional(v.partial(sections.errors)),
  fields: v.optional(v.partial(sections.fields)),
  refresh: v.optional(v.partial(sections.refresh)),
  sources: v.optional(v.array(source)),
});

export type CustomProfileInput = v.InferOutput<typeof CustomProfileSchema>;

/**
 * The profile a configuration's `provider` + `profile` describe, or the problems with it, each
 * naming the field (`profile.tokenRequest.clientAuth.method: …`).
 */
export function buildCustomProfile(
  provider: string,
  input: CustomProfileInput,
  builtIns: Readonly<Record<string, ProviderProfile>>,
): { profile: ProviderProfile; problems: [] } | { profile?: undefined; problems: string[] } {
  const idProblems = customProfileIdProblems(provider, input.extends, builtIns);
  if (idProblems.length > 0) return { problems: idProblems };
  const { extends: baseId, displayName, ...rest } = input;
  let candidate: unknown;
  if (baseId !== undefined) {
    const base = builtIns[baseId]!;
    candidate = extendProfile(base, { ...(rest as Omit<ProfilePatch, 'id' | 'displayName'>), id: provider, displayName: displayName ?? `${base.displayName} (custom: ${provider})` });
  } else {
    candidate = { id: provider, displayName: displayName ?? provider, ...rest, sources: rest.sources ?? [] };
  }
  const result = v.safeParse(ProviderProfileSchema, candidate);
  if (result.success) return { profile: result.output as ProviderProfile, problems: [] };
  const whole = baseId === undefined ? ' (a profile without "extends" must give every section)' : '';
  return { problems: describeIssues(result.issues, ProviderProfileSchema, 'profile').map((p) => (p.endsWith(': required') ? `${p}${whole}` : p)) };
}

/** A custom profile's id must not be a built-in one's, and `extends` must name a built-in one. */
export function customProfileIdProblems(provider: string, baseId: unknown, builtIns: Readonly<Record<string, ProviderProfile>>): string[] {
  if (Object.hasOwn(builtIns, provider)) {
    return [`provider: "${provider}" is a built-in profile; give a custom profile its own id (and "extends": "${provider}" to build on it)`];
  }
  if (typeof baseId === 'string' && !Object.hasOwn(builtIns, baseId)) {
    return [`profile.extends: unknown profile "${baseId}"${didYouMean(baseId, Object.keys(builtIns))} (built-in profiles: ${Object.keys(builtIns).join(', ')})`];
  }
  return [];
}

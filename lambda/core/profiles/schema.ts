/**
 * The provider-profile format as a valibot schema, for custom profiles in the configuration
 * (`profile`: a whole profile, or `extends: "<built-in id>"` plus overrides). Used wherever the
 * configuration is validated: at synth, at local start and at a Lambda's cold start. No AWS imports.
 */
import * as v from 'valibot';
import { describeIssues, didYouMean } from '../config-problems';
import { RFC6749_TOKEN_ERRORS, type OAuthErrorCode } from '../oauth-error';
import { extendProfile, type ProfilePatch } from './extend';
import type { ProviderProfile } from './types';

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

const clientAuth = v.variant(
  'method',
  [
    v.strictObject({ method: v.literal('as_received') }),
    v.strictObject({ method: v.literal('client_secret_basic'), encoding: v.optional(v.picklist(['form', 'raw'], oneOf(['form', 'raw']))) }),
    v.strictObject({ method: v.literal('client_secret_post'), idParam: v.optional(paramName), secretParam: v.optional(paramName) }),
    v.strictObject({ method: v.literal('none'), idParam: v.optional(paramName) }),
    v.strictObject({ method: v.literal('apple_jwt') }),
  ],
  oneOf(CLIENT_AUTH_METHODS),
);

const sections = {
  authorize: v.strictObject({
    extraParams: v.record(paramName, v.string()),
    addScopes: v.array(v.pipe(v.string(), v.regex(/^[\x21\x23-\x5b\x5d-\x7e]+$/, 'must be a scope token (RFC 6749 §3.3)'))),
    scopeDelimiter,
    pkce: v.picklist(['required', 'supported', 'unsupported'], oneOf(['required', 'supported', 'unsupported'])),
    responseMode: v.optional(v.picklist(['query', 'fragment', 'form_post'], oneOf(['query', 'fragment', 'form_post']))),
  }),
  tokenRequest: v.strictObject({
    method: v.picklist(['POST', 'GET'], oneOf(['POST', 'GET'])),
    bodyEncoding: v.picklist(['form', 'json', 'query'], oneOf(['form', 'json', 'query'])),
    clientAuth,
    extraParams: v.record(paramName, v.string()),
    headers: v.record(headerName, v.string()),
    sendRedirectUri: v.boolean('must be true or false'),
  }),
  response: v.strictObject({
    format: v.picklist(['json', 'form', 'sniff'], oneOf(['json', 'form', 'sniff'])),
    envelope: v.optional(dotPath),
    nestedTokens: v.optional(dotPath),
    successWhen: v.optional(v.strictObject({ path: dotPath, equals: v.union([v.string(), v.number(), v.boolean()], 'must be a string, number or boolean') })),
  }),
  errors: v.strictObject({
    codePaths: v.array(dotPath),
    descriptionPaths: v.array(dotPath),
    codeMap: v.record(v.string(), v.picklist(ERROR_CODES, oneOf(ERROR_CODES))),
    statusMap: v.record(
      v.pipe(v.string(), v.regex(/^[1-5]\d\d$/, 'keys must be HTTP statuses')),
      v.pipe(v.number(), v.integer(), v.minValue(400, 'must be a 4xx status'), v.maxValue(499, 'must be a 4xx status')),
    ),
  }),
  fields: v.strictObject({
    defaultExpiresIn: v.optional(seconds),
    expiresAtField: v.optional(paramName),
    responseScopeDelimiter: scopeDelimiter,
  }),
  refresh: v.strictObject({
    omitsRefreshToken: v.boolean('must be true or false'),
    noRefreshTokenHint: v.optional(text),
    rotation: v.picklist(['none', 'rotating', 'single_use'], oneOf(['none', 'rotating', 'single_use'])),
    invalidGrantHint: v.optional(text),
  }),
};

const source = v.strictObject({
  quirk: text,
  url: httpsUrl,
  confidence: v.picklist(['official', 'library', 'secondary', 'unverified'], oneOf(['official', 'library', 'secondary', 'unverified'])),
});

/** A whole profile, as the built-in ones are. */
export const ProviderProfileSchema = v.strictObject({
  id: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a lowercase profile id')),
  displayName: text,
  tokenUrl: v.optional(httpsUrl),
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
  tokenUrl: v.optional(httpsUrl),
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

/**
 * The account-linking request of the Alexa Skill Management API as Amazon documents it, written from
 * the documentation and independently of cli/skill-config.ts, so a test can check the CLI's output
 * against it:
 * - "Account Linking Schemas", https://developer.amazon.com/docs/smapi/account-linking-schemas.html
 *   (fields, types, "up to 15" scopes and domains, accessTokenUrl/accessTokenScheme required for
 *   AUTH_CODE, defaultTokenExpirationInSeconds an integer used when the provider sends no expires_in);
 * - the SMAPI model definitions v1.skill.accountLinking.AccountLinkingRequest (one field,
 *   `accountLinkingRequest`, an AccountLinkingRequestPayload), AccountLinkingType (AUTH_CODE,
 *   IMPLICIT) and AccessTokenSchemeType (HTTP_BASIC, REQUEST_BODY_CREDENTIALS), which is the body
 *   `ask smapi update-account-linking-info --account-linking-request` sends.
 */
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isStringArray = (x: unknown): x is string[] => Array.isArray(x) && x.every((s) => typeof s === 'string');

type Check = (value: unknown) => string | undefined;
const string: Check = (v) => (typeof v === 'string' && v !== '' ? undefined : 'must be a non-empty string');
const url: Check = (v) => (typeof v === 'string' && /^https?:\/\/\S+$/.test(v) ? undefined : 'must be an absolute URL');
const oneOf =
  (...values: string[]): Check =>
  (v) =>
    values.includes(v as string) ? undefined : `must be one of ${values.join(', ')}`;
const list =
  (max?: number): Check =>
  (v) =>
    !isStringArray(v) ? 'must be an array of strings' : max !== undefined && v.length > max ? `must have at most ${max} entries` : undefined;

const PAYLOAD: Record<string, Check> = {
  type: oneOf('AUTH_CODE', 'IMPLICIT'),
  authorizationUrl: url,
  domains: list(15),
  clientId: string,
  scopes: list(15),
  accessTokenUrl: url,
  clientSecret: string,
  accessTokenScheme: oneOf('HTTP_BASIC', 'REQUEST_BODY_CREDENTIALS'),
  defaultTokenExpirationInSeconds: (v) => (Number.isInteger(v) && (v as number) > 0 ? undefined : 'must be a positive integer'),
  reciprocalAccessTokenUrl: url,
  redirectUrls: list(),
  authorizationUrlsByPlatform: (v) => (Array.isArray(v) && v.every((p) => isObject(p) && typeof p.platformType === 'string' && typeof p.platformAuthorizationUrl === 'string') ? undefined : 'must be a list of {platformType, platformAuthorizationUrl}'),
  skipOnEnablement: (v) => (typeof v === 'boolean' ? undefined : 'must be true or false'),
};

/** Problems with a request body, each naming the field; empty when it has the documented shape. */
export function accountLinkingRequestProblems(body: unknown): string[] {
  if (!isObject(body)) return ['the body must be a JSON object'];
  const extra = Object.keys(body).filter((k) => k !== 'accountLinkingRequest');
  const problems = extra.map((k) => `${k}: not a field of AccountLinkingRequest`);
  const payload = body.accountLinkingRequest;
  if (!isObject(payload)) return [...problems, 'accountLinkingRequest: must be an object'];
  for (const [key, value] of Object.entries(payload)) {
    const check = PAYLOAD[key];
    if (!check) problems.push(`accountLinkingRequest.${key}: not a documented field`);
    else {
      const problem = check(value);
      if (problem) problems.push(`accountLinkingRequest.${key}: ${problem}`);
    }
  }
  if (payload.type === undefined) problems.push('accountLinkingRequest.type: required');
  if (payload.type === 'AUTH_CODE') {
    for (const key of ['accessTokenUrl', 'accessTokenScheme', 'clientSecret']) if (payload[key] === undefined) problems.push(`accountLinkingRequest.${key}: required for AUTH_CODE`);
  }
  for (const key of ['authorizationUrl', 'clientId']) if (payload[key] === undefined) problems.push(`accountLinkingRequest.${key}: required`);
  return problems;
}

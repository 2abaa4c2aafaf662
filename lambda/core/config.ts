/**
 * One configuration surface for `cdk deploy` (cdk.json context key `adapter`, overridable with
 * `-c adapter.<field>=value`) and for local mode (`npm start -- --config FILE`).
 *
 * The schema is checked at synth time (clear errors naming the field) and again when a Lambda
 * cold-starts, so a hand-edited environment variable cannot slip past it.
 */
import * as v from 'valibot';
import { ALEXA_TOKEN_DEADLINE_MS } from '../contract/deadlines';
import { AUTHORIZATION_LEG_ENTRIES, INTERCEPTION_NEEDS_AUTHORIZE_URL, interceptionHasAuthorizeUrl } from './authorize/config';
import { describeIssues } from './config-problems';
import { SmartHomeConfigSchema } from './smart-home/config';
import { BUILT_IN_PROFILES } from './profiles/index';
import { selectProfile } from './profiles/resolve';
import { CustomProfileSchema, RETIRED_PROFILE_FIELDS, customProfileIdProblems } from './profiles/schema';

/** Loopback hosts may use plain http (local mode, tests); everything else must be https (RFC 6749 §3.2). */
const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

function tryUrl(value: string): URL | undefined {
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

const endpointUrl = v.pipe(
  v.string(),
  v.url('must be an absolute URL'),
  // valibot runs every check even after one failed, so each check tolerates an unparsable URL.
  v.check((value) => {
    const u = tryUrl(value);
    if (!u || u.protocol === 'https:') return true;
    return u.protocol === 'http:' && LOOPBACK.has(u.hostname);
  }, 'must use https (plain http is allowed only for localhost / 127.0.0.1)'),
  v.check((value) => (tryUrl(value)?.hash ?? '') === '', 'must not contain a fragment'),
  v.check((value) => {
    const u = tryUrl(value);
    return !u || (u.username === '' && u.password === '');
  }, 'must not contain credentials'),
);

/** Retention values CloudWatch Logs accepts (days). */
export const LOG_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
] as const;

const int = (min: number, max: number) => v.pipe(v.number(), v.integer(), v.minValue(min), v.maxValue(max));

export const RuntimeConfigSchema = v.strictObject({
  /** Provider profile id: `generic`, `github`, `google`, or a custom profile. */
  provider: v.pipe(v.string(), v.regex(/^[a-z][a-z0-9-]{0,39}$/, 'must be a lowercase profile id such as "github"')),
  /** The provider's token endpoint that our /token forwards to. */
  tokenUrl: endpointUrl,
  /** The provider's authorization endpoint (used by the authorization leg, interception mode). */
  authorizeUrl: v.optional(endpointUrl),
  /**
   * Hard budget for the upstream token call, in ms. Alexa allows 4.5 s for the whole answer
   * (Alexa docs: configure-authorization-code-grant), so this must leave room for our own work.
   */
  upstreamTimeoutMs: v.optional(int(100, ALEXA_TOKEN_DEADLINE_MS - 100), 4000),
  /**
   * Where the client credentials come from. `passthrough`: the client id and secret Alexa sends are
   * forwarded to the provider, so the stack stores no provider secret.
   */
  clientCredentials: v.optional(v.picklist(['passthrough']), 'passthrough'),
  ...AUTHORIZATION_LEG_ENTRIES,
  /** A custom provider profile (whole, or `extends` a built-in one); `provider` is then its id. */
  profile: v.optional(CustomProfileSchema),
  /** Sign in with Apple: Team ID (`iss` of the client-secret JWT). */
  appleTeamId: v.optional(v.pipe(v.string(), v.regex(/^[A-Z0-9]{10}$/, 'must be a 10-character Apple Team ID'))),
  /** Sign in with Apple: Key ID of the .p8 key (`kid` of the client-secret JWT). */
  appleKeyId: v.optional(v.pipe(v.string(), v.regex(/^[A-Z0-9]{10}$/, 'must be a 10-character Apple Key ID'))),
  /** Sign in with Apple: Secrets Manager secret holding the .p8 private key (PEM) as its string value. */
  applePrivateKeySecretArn: v.optional(
    v.pipe(v.string(), v.regex(/^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:\d{12}:secret:[A-Za-z0-9/_+=.@-]+$/, 'must be a Secrets Manager secret ARN')),
  ),
  /**
   * Rotation grace (docs/refresh-safety.md): for this many seconds a repeated refresh with the same
   * refresh token gets the cached answer instead of the provider's invalid_grant. 0 turns the grace
   * window off; concurrent refreshes are still single-flighted.
   */
  refreshGraceSeconds: v.optional(int(0, 3600), 600),
  /**
   * Record, at each successful token answer, which user the access token belongs to (the AcceptGrant
   * grantee mapping, lambda/core/smart-home/identity.ts). Set from `smartHome` by runtimePart: without
   * smart home the token route writes nothing for it (two DynamoDB writes per exchange saved).
   */
  recordGrantees: v.optional(v.boolean(), false),
});

export const DeploymentConfigSchema = v.strictObject({
  /** Days to keep Lambda and access logs. */
  logRetentionDays: v.optional(
    v.pipe(
      v.number(),
      v.check((n) => (LOG_RETENTION_DAYS as readonly number[]).includes(n), `must be one of ${LOG_RETENTION_DAYS.join(', ')}`),
    ),
    30,
  ),
  /**
   * API Gateway stage throttling (requests per second, burst). The defaults carry a skill of
   * 1,000,000 linked users (Alexa refreshing hourly, peaks ×3: 833 requests/s, docs/performance.md
   * "Sizing") with 50% headroom; a throttle still caps what a flood costs and sends the provider.
   */
  throttleRateLimit: v.optional(int(1, 10000), 1250),
  throttleBurstLimit: v.optional(int(1, 5000), 2500),
  /** Optional custom domain: the ACM certificate must be in the stack's region. */
  domainName: v.optional(v.pipe(v.string(), v.regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lowercase DNS name'))),
  certificateArn: v.optional(v.pipe(v.string(), v.regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, 'must be an ACM certificate ARN'))),
  /**
   * Customer-managed KMS key (an existing key's ARN) for the state table, every log group and the Alexa
   * Client Secret. Its key policy must let CloudWatch Logs use it (docs/security.md, "Encryption at rest").
   * Unset: AWS managed/owned keys, each choice stated in the template as a checkov skip.
   */
  encryptionKeyArn: v.optional(v.pipe(v.string(), v.regex(/^arn:aws[a-z-]*:kms:[a-z0-9-]+:\d{12}:key\/[A-Za-z0-9-]+$/, 'must be a KMS key ARN (arn:aws:kms:<region>:<account>:key/<id>)'))),
  /** Keep the state table when the stack is deleted (default) or destroy it. */
  tableRemovalPolicy: v.optional(v.picklist(['retain', 'destroy']), 'retain'),
  /** Smart home (AcceptGrant, LWA tokens, Event Gateway): off unless given. See lambda/core/smart-home/config.ts. */
  smartHome: v.optional(SmartHomeConfigSchema),
  /** Failed exchanges within 5 minutes that set off the failed-exchanges alarm. */
  alarmThreshold: v.optional(int(1, 100000), 1),
  /** Email notified by the failed-exchanges alarm (a new SNS topic with an email subscription). */
  alarmEmail: v.optional(v.pipe(v.string(), v.email('must be an email address'))),
  /** Existing SNS topic notified by the failed-exchanges alarm (instead of alarmEmail). */
  alarmTopicArn: v.optional(v.pipe(v.string(), v.regex(/^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_.-]{1,256}$/, 'must be an SNS topic ARN'))),
});

const DOMAIN_NEEDS_CERTIFICATE = 'domainName and certificateArn must be given together';
const ONE_ALARM_TARGET = 'give alarmEmail or alarmTopicArn, not both';

export const AdapterConfigSchema = v.pipe(
  v.strictObject({ ...RuntimeConfigSchema.entries, ...DeploymentConfigSchema.entries }),
  v.check((c) => (c.domainName === undefined) === (c.certificateArn === undefined), DOMAIN_NEEDS_CERTIFICATE),
  v.forward(v.check((c) => interceptionHasAuthorizeUrl(c), INTERCEPTION_NEEDS_AUTHORIZE_URL), ['authorizeUrl']),
  v.check((c) => c.alarmEmail === undefined || c.alarmTopicArn === undefined, ONE_ALARM_TARGET),
);

export type RuntimeConfig = v.InferOutput<typeof RuntimeConfigSchema>;
export type AdapterConfig = v.InferOutput<typeof AdapterConfigSchema>;
export type AdapterConfigInput = v.InferInput<typeof AdapterConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly problems: string[], source: string) {
    super(`invalid adapter configuration (${source}):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const isRecord = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const PROFILE_ID = /^[a-z][a-z0-9-]{0,39}$/;

/**
 * What the schema cannot say while other fields are wrong (valibot runs the cross-field checks and
 * the profile lookup only on an otherwise valid object): an unknown provider, the cross-field
 * rules. Checked on the raw input, so one pass names every problem.
 */
function problemsBesideSchema(input: unknown, crossFields: boolean): string[] {
  if (!isRecord(input)) return [];
  const problems: string[] = [];
  const provider = typeof input.provider === 'string' && PROFILE_ID.test(input.provider) ? input.provider : undefined;
  if (provider !== undefined) {
    if (input.profile === undefined) {
      const str = (k: string) => (input[k] === undefined ? undefined : String(input[k]));
      problems.push(...selectProfile({ provider, appleTeamId: str('appleTeamId'), appleKeyId: str('appleKeyId'), applePrivateKeySecretArn: str('applePrivateKeySecretArn') }).problems);
    } else if (isRecord(input.profile)) {
      problems.push(...customProfileIdProblems(provider, input.profile.extends, BUILT_IN_PROFILES));
    }
  }
  if (crossFields) {
    if ((input.domainName === undefined) !== (input.certificateArn === undefined)) problems.push(`(the configuration): ${DOMAIN_NEEDS_CERTIFICATE}`);
    if (input.alarmEmail !== undefined && input.alarmTopicArn !== undefined) problems.push(`(the configuration): ${ONE_ALARM_TARGET}`);
    const builtIn = provider !== undefined && Object.hasOwn(BUILT_IN_PROFILES, provider) ? BUILT_IN_PROFILES[provider] : undefined;
    if (input.mode === 'interception' && input.authorizeUrl === undefined && input.profile === undefined && builtIn && builtIn.authorizeUrl === undefined) {
      problems.push(`authorizeUrl: ${INTERCEPTION_NEEDS_AUTHORIZE_URL}`);
    }
  }
  return problems;
}

/**
 * Runs `schema` (an object schema, or one piped into cross-field checks) and names every problem.
 * valibot skips the pipe's cross-field checks while the object itself has problems, and the profile
 * lookup needs a valid object; both are then checked on the raw input.
 */
function check<T>(schema: v.GenericSchema<unknown, T>, object: v.GenericSchema, input: unknown): { config?: T; problems: string[] } {
  const result = v.safeParse(schema, input);
  if (result.success) {
    const { problems } = selectProfile(result.output as Parameters<typeof selectProfile>[0]);
    return problems.length > 0 ? { problems } : { config: result.output, problems: [] };
  }
  const described = describeIssues(result.issues, object, '', RETIRED_PROFILE_FIELDS);
  const objectResult = object === schema ? result : v.safeParse(object, input);
  const beside = objectResult.success ? selectProfile(objectResult.output as Parameters<typeof selectProfile>[0]).problems : problemsBesideSchema(input, object !== schema);
  // valibot still runs the cross-field checks after a value-level problem (a number out of range): keep one of each.
  return { problems: [...new Set([...described, ...beside])] };
}

/** Validates a configuration and names every problem (none when `config` is set). */
export function checkAdapterConfig(input: unknown): { config?: AdapterConfig; problems: string[] } {
  return check(AdapterConfigSchema, AdapterConfigSchema.pipe[0], input);
}

/** Validates the runtime part a Lambda gets (`ADAPTER_CONFIG`) and names every problem. */
export function checkRuntimeConfig(input: unknown): { config?: RuntimeConfig; problems: string[] } {
  return check(RuntimeConfigSchema, RuntimeConfigSchema, input);
}

/** The config, or a ConfigError naming every problem and where the configuration came from. */
function orThrow<T>({ config, problems }: { config?: T; problems: string[] }, source: string): T {
  if (!config) throw new ConfigError(problems, source);
  return config;
}

export const parseAdapterConfig = (input: unknown, source = 'config'): AdapterConfig => orThrow(checkAdapterConfig(input), source);
export const parseRuntimeConfig = (input: unknown, source = 'config'): RuntimeConfig => orThrow(checkRuntimeConfig(input), source);

type RuntimeField = keyof typeof RuntimeConfigSchema.entries;
const runtimeFields = (always: boolean) =>
  (Object.entries(RuntimeConfigSchema.entries) as [RuntimeField, v.GenericSchema][])
    .filter(([, schema]) => (schema.type !== 'optional' || v.getDefault(schema as never) !== undefined) === always)
    .map(([field]) => field);

/**
 * Every field of the runtime schema, so a field added there reaches the Lambdas with no other change:
 * those every configuration has first, then the optional ones (a stable order, so the environment,
 * and with it the function, only changes when a value does).
 */
export const RUNTIME_FIELDS: readonly RuntimeField[] = [...runtimeFields(true), ...runtimeFields(false)];

/**
 * The subset of the configuration a Lambda needs, as it is passed in `ADAPTER_CONFIG`: every field of
 * RuntimeConfigSchema that is set. Two are not copied: `recordGrantees` follows from `smartHome`
 * (without smart home the token route writes nothing for it: two DynamoDB writes per exchange saved),
 * and a custom profile's `sources` document it: the Lambda does not need them (and its environment is
 * capped at 4 KB). Unset fields are left out, not set to undefined: the result is also used as an
 * object (local mode, doctor), not only as JSON.
 */
export function runtimePart(config: AdapterConfig): RuntimeConfig {
  const part: Partial<Record<RuntimeField, unknown>> = {};
  for (const field of RUNTIME_FIELDS) {
    const value = field === 'recordGrantees' ? config.smartHome !== undefined : field === 'profile' && config.profile ? withoutSources(config.profile) : config[field];
    if (value !== undefined) part[field] = value;
  }
  return part as RuntimeConfig;
}

function withoutSources<P extends { sources?: unknown }>(profile: P): Omit<P, 'sources'> {
  const { sources: _documentation, ...rest } = profile;
  return rest;
}


/**
 * One configuration surface for `cdk deploy` (cdk.json context key `adapter`, overridable with
 * `-c adapter.<field>=value`) and for local mode (`npm start -- --config FILE`).
 *
 * The schema is checked at synth time (clear errors naming the field) and again when a Lambda
 * cold-starts, so a hand-edited environment variable cannot slip past it.
 */
import * as v from 'valibot';

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
  upstreamTimeoutMs: v.optional(int(100, 4400), 4000),
  /**
   * Where the client credentials come from. `passthrough`: the client id and secret Alexa sends are
   * forwarded to the provider, so the stack stores no provider secret.
   */
  clientCredentials: v.optional(v.picklist(['passthrough']), 'passthrough'),
  /**
   * Rotation grace (README "Refresh safety"): for this many seconds a repeated refresh with the same
   * refresh token gets the cached answer instead of the provider's invalid_grant. 0 turns the grace
   * window off; concurrent refreshes are still single-flighted.
   */
  refreshGraceSeconds: v.optional(int(0, 3600), 600),
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
  /** API Gateway stage throttling (requests per second, burst). */
  throttleRateLimit: v.optional(int(1, 10000), 50),
  throttleBurstLimit: v.optional(int(1, 5000), 100),
  /** Optional custom domain: the ACM certificate must be in the stack's region. */
  domainName: v.optional(v.pipe(v.string(), v.regex(/^(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/, 'must be a lowercase DNS name'))),
  certificateArn: v.optional(v.pipe(v.string(), v.regex(/^arn:aws[a-z-]*:acm:[a-z0-9-]+:\d{12}:certificate\/[A-Za-z0-9-]+$/, 'must be an ACM certificate ARN'))),
  /** Keep the state table when the stack is deleted (default) or destroy it. */
  tableRemovalPolicy: v.optional(v.picklist(['retain', 'destroy']), 'retain'),
});

export const AdapterConfigSchema = v.pipe(
  v.strictObject({ ...RuntimeConfigSchema.entries, ...DeploymentConfigSchema.entries }),
  v.check(
    (c) => (c.domainName === undefined) === (c.certificateArn === undefined),
    'domainName and certificateArn must be given together',
  ),
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

function problemsOf(issues: v.BaseIssue<unknown>[]): string[] {
  return issues.map((issue) => {
    const path = v.getDotPath(issue);
    if (issue.kind === 'schema' && issue.type === 'strict_object' && issue.input !== undefined && path) {
      return `${path}: unknown field`;
    }
    return `${path ?? '(config)'}: ${issue.message}`;
  });
}

export function parseAdapterConfig(input: unknown, source = 'config'): AdapterConfig {
  const result = v.safeParse(AdapterConfigSchema, input);
  if (!result.success) throw new ConfigError(problemsOf(result.issues), source);
  return result.output;
}

export function parseRuntimeConfig(input: unknown, source = 'config'): RuntimeConfig {
  const result = v.safeParse(RuntimeConfigSchema, input);
  if (!result.success) throw new ConfigError(problemsOf(result.issues), source);
  return result.output;
}

/** The subset of the configuration a Lambda needs, as it is passed in `ADAPTER_CONFIG`. */
export function runtimePart(config: AdapterConfig): RuntimeConfig {
  const { provider, tokenUrl, authorizeUrl, upstreamTimeoutMs, clientCredentials, refreshGraceSeconds } = config;
  return { provider, tokenUrl, upstreamTimeoutMs, clientCredentials, refreshGraceSeconds, ...(authorizeUrl ? { authorizeUrl } : {}) };
}

/**
 * Merges the cdk.json object under `adapter` with `-c adapter.<field>=value` overrides. CDK passes
 * `-c` values as strings, so numeric fields are converted here.
 */
export function mergeContext(base: unknown, flat: Record<string, unknown>): Record<string, unknown> {
  const merged: Record<string, unknown> = typeof base === 'string' ? JSON.parse(base) : { ...(base as object ?? {}) };
  for (const [key, raw] of Object.entries(flat)) {
    if (!key.startsWith('adapter.')) continue;
    const field = key.slice('adapter.'.length);
    merged[field] = typeof raw === 'string' && /^-?\d+$/.test(raw) ? Number(raw) : raw;
  }
  return merged;
}

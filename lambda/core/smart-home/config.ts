/**
 * Smart-home settings (`smartHome` in the adapter configuration). Off by default: without this
 * object the stack deploys exactly as before. Self-contained (no import of ../config) so the main
 * schema can include it without an import cycle.
 */
import * as v from 'valibot';
import { describeIssues } from '../config-problems';

const LOOPBACK = new Set(['localhost', '127.0.0.1', '[::1]', '::1']);

const serviceUrl = v.pipe(
  v.string(),
  v.url('must be an absolute URL'),
  v.check((value) => {
    try {
      const u = new URL(value);
      return u.protocol === 'https:' || (u.protocol === 'http:' && LOOPBACK.has(u.hostname));
    } catch {
      return true;
    }
  }, 'must use https (plain http is allowed only for localhost / 127.0.0.1)'),
);

/** Alexa markets and their Event Gateway hosts (Alexa docs: smarthome/send-events.html). */
export const GATEWAY_REGIONS = ['NA', 'EU', 'FE'] as const;
export type GatewayRegion = (typeof GATEWAY_REGIONS)[number];

export const DEFAULT_LWA_TOKEN_URL = 'https://api.amazon.com/auth/o2/token';

export const SmartHomeConfigSchema = v.strictObject({
  /** The skill id (`amzn1.ask.skill.…`): the event source token of Alexa's invoke permission. */
  skillId: v.pipe(v.string(), v.regex(/^amzn1\.ask\.skill\.[A-Za-z0-9-]{1,100}$/, 'must be a skill id such as amzn1.ask.skill.0a1b…')),
  /**
   * The "Alexa Client Id" from the console's Permissions page (Alexa Skill Messaging), NOT the
   * account-linking client id. Its secret lives in Secrets Manager.
   */
  alexaClientId: v.pipe(v.string(), v.regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be the Alexa Client Id from the Permissions page (amzn1.application-oa2-client.…)')),
  /** The existing skill Lambda every other directive is forwarded to. */
  forwardTargetArn: v.optional(
    v.pipe(v.string(), v.regex(/^arn:aws[a-z-]*:lambda:[a-z0-9-]+:\d{12}:function:[A-Za-z0-9_-]{1,64}(:[A-Za-z0-9_$-]{1,128})?$/, 'must be a Lambda function ARN')),
  ),
  /** Event Gateway market; default: from the AWS region the grant arrived in (us-east-1 NA, eu-west-1 EU, us-west-2 FE). */
  gatewayRegion: v.optional(v.picklist(GATEWAY_REGIONS)),
  /** Login with Amazon token endpoint (override for local mode and tests). */
  lwaTokenUrl: v.optional(serviceUrl, DEFAULT_LWA_TOKEN_URL),
  /** Full Event Gateway URL (…/v3/events); overrides the regional one (local mode and tests). */
  gatewayUrl: v.optional(serviceUrl),
  /** Budget for one LWA call, ms. Alexa waits 8 s for a smart-home answer (troubleshooting guide). */
  lwaTimeoutMs: v.optional(v.pipe(v.number(), v.integer(), v.minValue(100), v.maxValue(6000)), 5000),
});

export type SmartHomeConfig = v.InferOutput<typeof SmartHomeConfigSchema>;
export type SmartHomeConfigInput = v.InferInput<typeof SmartHomeConfigSchema>;

export function parseSmartHomeConfig(input: unknown): SmartHomeConfig {
  const result = v.safeParse(SmartHomeConfigSchema, input);
  if (!result.success) {
    throw new Error(`invalid smartHome configuration:\n${describeIssues(result.issues, SmartHomeConfigSchema, 'smartHome').map((p) => `  - ${p}`).join('\n')}`);
  }
  return result.output;
}

const GATEWAY_HOSTS: Record<GatewayRegion, string> = {
  NA: 'https://api.amazonalexa.com/v3/events',
  EU: 'https://api.eu.amazonalexa.com/v3/events',
  FE: 'https://api.fe.amazonalexa.com/v3/events',
};

/**
 * The AWS region Alexa invokes for each market (Alexa docs "Deploy your Lambda function to
 * multiple regions": NA us-east-1, EU/IN eu-west-1, FE/AU us-west-2). Other regions: NA.
 */
export function marketOfAwsRegion(awsRegion: string | undefined): GatewayRegion {
  if (awsRegion === 'eu-west-1') return 'EU';
  if (awsRegion === 'us-west-2') return 'FE';
  return 'NA';
}

export function gatewayUrlFor(config: SmartHomeConfig, awsRegion: string | undefined): { url: string; region: GatewayRegion } {
  const region = config.gatewayRegion ?? marketOfAwsRegion(awsRegion);
  return { url: config.gatewayUrl ?? GATEWAY_HOSTS[region], region };
}

/** Placeholder the stack writes into the new secret; the code treats it as "not set". */
export const SECRET_PLACEHOLDER = 'UNSET: put the Alexa Client Secret here (README: Smart home)';

export const isSecretSet = (s: string | undefined): s is string => typeof s === 'string' && s.trim() !== '' && !s.startsWith('UNSET');

/**
 * Infrastructure defaults in one place (the configurable ones come from `AdapterConfig`; these are
 * the ones a deployer rarely needs to touch, overridable through `AccountLinkingAdapterProps`).
 */
import { Duration } from 'aws-cdk-lib';

/**
 * 256 MB: Lambda allocates CPU in proportion to memory. The token handler is I/O bound, but a cold
 * start (module init plus a fresh TLS handshake to the provider) runs on that CPU share, and the
 * whole answer must reach Alexa within 4.5 s. 128 MB halves the CPU and measurably stretches cold
 * starts; 256 MB costs fractions of a cent at account-linking volumes (a few calls per user, ever).
 */
export const DEFAULT_TOKEN_MEMORY_MB = 256;

/**
 * 5 s: Alexa abandons the token request after 4.5 s, so running longer only burns money. It must stay
 * above the upstream budget (`upstreamTimeoutMs`, default 4 s) so the handler can still answer with
 * a shaped OAuth error after the upstream call is aborted, instead of being killed mid-flight.
 */
export const DEFAULT_TOKEN_TIMEOUT = Duration.seconds(5);

/**
 * WARN: Lambda leaves out its INFO platform lines (platform.start, platform.report: about 430 bytes,
 * $0.20 per million invocations of ingestion, docs/performance.md). Nothing the CLI, the saved queries
 * or the alarms read is in them: durations, errors and throttles are in the AWS/Lambda metrics (and
 * on the dashboard), a request that never reached its handler is in the access log. Lost from the log
 * group: each invocation's billed duration, max memory used and init duration; switch a function to
 * INFO (its CfnFunction's LoggingConfig.SystemLogLevel) while sizing its memory.
 */
export const DEFAULT_SYSTEM_LOG_LEVEL = 'WARN' as const;

/** Alexa's deadline for the whole token answer, in ms: defined once, beside the handlers that keep it. */
export { ALEXA_TOKEN_DEADLINE_MS } from '../lambda/core/deadline';

/** Table key and TTL attribute names, shared with the Lambda code through `TABLE_NAME` and these constants. */
export const TABLE_PARTITION_KEY = 'pk';
export const TABLE_SORT_KEY = 'sk';
export const TABLE_TTL_ATTRIBUTE = 'expiresAt';

/** Output keys of the stack (CDK-free module: the CLI reads them too). */
export { OUTPUT_KEYS } from './output-keys';

/** What goes into the Alexa console, derived in one CDK-free place (the CLI's skill-config uses it too). */
export { AUTHENTICATION_SCHEME, PASSTHROUGH_AUTHORIZATION_URI, PASSTHROUGH_DOMAIN_LIST } from './console-settings';

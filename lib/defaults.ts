/**
 * Infrastructure defaults in one place (the configurable ones come from `AdapterConfig`; these are
 * the ones a deployer rarely needs to touch, overridable through `AccountLinkingAdapterProps`). The
 * contracts shared with the Lambda code, local mode and the CLI are defined in lambda/contract/ (no
 * CDK imports there) and re-exported here.
 */
import { Duration } from 'aws-cdk-lib';
import { FUNCTION_TIMEOUT_MS } from '../lambda/contract/deadlines';
import { TABLE_KEYS } from '../lambda/contract/table';

/**
 * 256 MB, from measurement (docs/performance.md "Memory size"): Lambda gives a function CPU in
 * proportion to its memory, and the first request of a new container loads the AWS SDK, reads the
 * deployment key from Secrets Manager over TLS and calls the provider over a fresh TLS handshake on
 * that share (14% of a vCPU at 256 MB). That request waits up to 2.5 s for the key and its time counts
 * against Alexa's 4.5 s: measured on a quiet machine, 8 of 8 cold first requests (a rotating refresh)
 * answered 200, ready after 1.8 s (2.0 s at worst), leaving 2.4 s for the provider. 128 MB leaves
 * under 0.7 s. 512 MB halves the cold answer (0.9 s) for about $0.70 more per million exchanges at a
 * 200 ms provider wait: set `tokenMemorySize: 512` for a provider slower than about 2 s.
 */
export const DEFAULT_TOKEN_MEMORY_MB = 256;

/** 5 s: above the upstream budget, barely above Alexa's 4.5 s (lambda/contract/deadlines.ts says why). */
export const DEFAULT_TOKEN_TIMEOUT = Duration.millis(FUNCTION_TIMEOUT_MS.token);

/**
 * WARN: Lambda leaves out its INFO platform lines (platform.start, platform.report: about 430 bytes,
 * $0.20 per million invocations of ingestion, docs/performance.md). Nothing the CLI, the saved queries
 * or the alarms read is in them: durations, errors and throttles are in the AWS/Lambda metrics (and
 * on the dashboard), a request that never reached its handler is in the access log. Lost from the log
 * group: each invocation's billed duration, max memory used and init duration; switch a function to
 * INFO (its CfnFunction's LoggingConfig.SystemLogLevel) while sizing its memory.
 */
export const DEFAULT_SYSTEM_LOG_LEVEL = 'WARN' as const;

/** Alexa's deadline for the whole token answer, in ms. */
export { ALEXA_TOKEN_DEADLINE_MS } from '../lambda/contract/deadlines';

/** Table key and TTL attribute names (lambda/contract/table.ts), shared with the Lambda code. */
export const TABLE_PARTITION_KEY = TABLE_KEYS.partitionKey;
export const TABLE_SORT_KEY = TABLE_KEYS.sortKey;
export const TABLE_TTL_ATTRIBUTE = TABLE_KEYS.ttlAttribute;

/** Output keys of the stack (the CLI reads them too). */
export { OUTPUT_KEYS } from '../lambda/contract/outputs';

/** What goes into the Alexa console, derived in one CDK-free place (the CLI's skill-config uses it too). */
export { AUTHENTICATION_SCHEME, PASSTHROUGH_AUTHORIZATION_URI, PASSTHROUGH_DOMAIN_LIST } from './console-settings';

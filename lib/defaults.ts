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
 * 512 MB, from measurement (docs/performance.md "Memory size"): Lambda gives a function CPU in
 * proportion to its memory, and the first request of a new container loads the AWS SDK, reads the
 * deployment key from Secrets Manager over TLS and calls the provider over a fresh TLS handshake on
 * that share. At 256 MB (14% of a vCPU) the key read missed its 1 s wait in 11 of 16 measured cold
 * starts, and a rotating provider's first refresh was then answered 503 (not coordinated); at 512 MB
 * none of 16 did, with the cold answer ready in about 1.1 s (1.4 s at worst) of Alexa's 4.5 s. 128 MB
 * leaves under 0.7 s for the provider. The price: about $0.70 per million exchanges more duration
 * at a 200 ms provider wait; set `tokenMemorySize: 256` where every container stays warm and cost rules.
 */
export const DEFAULT_TOKEN_MEMORY_MB = 512;

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

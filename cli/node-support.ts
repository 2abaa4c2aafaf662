/**
 * Which Node versions this package supports, and the AWS SDK's notice about Node 20.
 *
 * Supported: `^20.19.0 || >=22.12.0` (package.json `engines`; test/package/node-support.test.ts keeps
 * the two equal). 20.19 and 22.12 are the first releases of their lines that load an ES module
 * from CommonJS (`require(esm)`), which a CommonJS CDK app needs to import this ESM package; Node 24
 * is what the Lambdas run. Node 20 is past its end of life (April 2026) and stays supported until the
 * AWS SDK needs Node 22 (below); dropping it will be a major release.
 *
 * The AWS SDK for JavaScript v3 writes a `NodeVersionSupportWarning` once per process whenever a
 * client is created on Node < 22 (`emitWarningIfUnsupportedVersion` in @aws-sdk/core: it compares
 * the major of `process.version` with 22, and stays silent when
 * `AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED` is "true"). Its text is about SDK releases
 * "published after the first week of January 2027"; this package pins exact SDK releases that
 * declare Node >= 20 (the same test checks each one). So on a Node inside our supported range the
 * notice does not concern the SDK that actually runs, and the processes this package starts (the
 * CLI, local mode, the tests) acknowledge it with the SDK's own switch. Nothing else is silenced:
 * outside the supported range, or when the user set the variable, nothing is changed.
 */

/** package.json `engines.node`, as written there. */
export const SUPPORTED_NODE_RANGE = '^20.19.0 || >=22.12.0';

/** The SDK's own switch for its Node-version notice (@aws-sdk/core emitWarningIfUnsupportedVersion). */
export const SDK_NODE_NOTICE_SWITCH = 'AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED';

/** Whether a Node version (`20.20.2`) is in SUPPORTED_NODE_RANGE. */
export function isSupportedNode(version: string = process.versions.node): boolean {
  const [major = 0, minor = 0] = version.replace(/^v/, '').split('.').map(Number);
  if (major === 20) return minor >= 19;
  if (major === 22) return minor >= 12;
  return major > 22;
}

/**
 * Acknowledges the SDK's Node-version notice on a supported Node (see above). Returns whether it did.
 * Call before the first AWS SDK client is created.
 */
export function acknowledgeSdkNodeNotice(env: Record<string, string | undefined> = process.env, version: string = process.versions.node): boolean {
  if (env[SDK_NODE_NOTICE_SWITCH] !== undefined || !isSupportedNode(version)) return false;
  env[SDK_NODE_NOTICE_SWITCH] = 'true';
  return true;
}

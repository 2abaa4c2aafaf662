/** Numbers and names the CLI shares with the stack (kept here so the CLI imports no CDK code). */

/** Alexa's deadline for the whole token answer, in ms (lambda/contract/deadlines.ts). */
export { ALEXA_TOKEN_DEADLINE_MS } from '../lambda/contract/deadlines';

/** Default CloudFormation stack name (`-c stackName=…` in bin/app.ts). */
export const DEFAULT_STACK_NAME = 'AlexaLinkAdapter';

/** The Alexa console's Domain List holds at most this many entries. */
export const DOMAIN_LIST_LIMIT = 15;

/**
 * Where local mode (`npm start`) writes the configuration it runs while it runs, relative to the
 * working directory (npm runs scripts in the package root); `doctor --local` checks it by default.
 */
export const LOCAL_MODE_CONFIG = '.local/config.json';

/** Beside it: the console settings of the running local mode under the stack's output keys (`skill-config --local`). */
export const LOCAL_MODE_OUTPUTS = '.local/outputs.json';

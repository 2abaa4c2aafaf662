/**
 * `skill-config`: the skill's account-linking settings as the request body of the Alexa Skill
 * Management API's "update account linking" operation, ready for
 * `ask smapi update-account-linking-info --account-linking-request file:…`.
 *
 * Shape (source: Alexa Skills Kit, "Account Linking Schemas",
 * https://developer.amazon.com/docs/smapi/account-linking-schemas.html; the SMAPI model
 * definitions v1.skill.accountLinking.AccountLinkingRequest, whose only field accountLinkingRequest is
 * an AccountLinkingRequestPayload): `{"accountLinkingRequest": {type, authorizationUrl, domains,
 * clientId, scopes, accessTokenUrl, clientSecret, accessTokenScheme, defaultTokenExpirationInSeconds,
 * …}}`; `type` AUTH_CODE or IMPLICIT (smart home: AUTH_CODE), `accessTokenScheme` HTTP_BASIC or
 * REQUEST_BODY_CREDENTIALS, at most 15 scopes and 15 domains. test/cli/skill-config.test.ts checks
 * every output against that documented shape.
 *
 * The values come from the stack's outputs (the console fields), or local mode's. The client id and
 * scopes are the skill's own (options). The client secret is never read from the stack, a file or the
 * command line: only from the environment variable below, else the request carries a named placeholder.
 */
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { didYouMean } from '../lambda/core/config-problems';
import { selectProfile } from '../lambda/core/profiles/resolve';
import { demoAdapterConfig } from '../local/demo-provider';
import { consoleOutputs, consoleSettings, PASSTHROUGH_DOMAIN_LIST } from '../lib/console-settings';
import { OUTPUT_KEYS } from '../lambda/contract/outputs';
import type { StackInfo } from './cloudwatch';
import { LOCAL_MODE_OUTPUTS } from './constants';
import { checkConfig } from './doctor';
import { CliError } from './log-source';
import type { CliIO, Values } from './main';

/** The only place `skill-config` takes the provider's client secret from. */
export const CLIENT_SECRET_ENV = 'ALEXA_LINK_ADAPTER_CLIENT_SECRET';
/** What the request carries instead, named so it cannot be mistaken for a value. */
export const CLIENT_SECRET_PLACEHOLDER = `REPLACE_WITH_CLIENT_SECRET_OR_SET_${CLIENT_SECRET_ENV}`;
export const CLIENT_ID_PLACEHOLDER = 'REPLACE_WITH_YOUR_CLIENT_ID';
export const AUTHORIZATION_URL_PLACEHOLDER = 'REPLACE_WITH_THE_PROVIDER_AUTHORIZATION_URL';
export const SKILL_ID_PLACEHOLDER = 'amzn1.ask.skill.REPLACE_WITH_YOUR_SKILL_ID';

/** Documented limits (Account Linking Schemas): up to 15 scopes, up to 15 domains. */
export const MAX_SCOPES = 15;
export const MAX_DOMAINS = 15;
export const SMAPI_STAGES = ['development', 'certified', 'live'] as const;

/** `accountLinkingRequest` as documented (only the fields this command sets). */
export interface AccountLinkingRequestPayload {
  type: 'AUTH_CODE';
  authorizationUrl: string;
  accessTokenUrl: string;
  accessTokenScheme: 'HTTP_BASIC' | 'REQUEST_BODY_CREDENTIALS';
  clientId: string;
  clientSecret: string;
  scopes: string[];
  domains: string[];
  defaultTokenExpirationInSeconds?: number;
}

export interface SkillConfigInput {
  /** Stack outputs (or local mode's): AccessTokenUri, AuthorizationUri, AuthenticationScheme, DomainList, …. */
  outputs: Record<string, string>;
  clientId?: string;
  scopes?: readonly string[];
  /** The environment the client secret may come from. */
  env: Record<string, string | undefined>;
  /** Default access-token lifetime for providers that send no expires_in. */
  defaultTokenExpirationInSeconds?: number;
}

export interface SkillConfig {
  request: { accountLinkingRequest: AccountLinkingRequestPayload };
  /** What the user must still fill in or check (placeholders, smart-home scopes). */
  notes: string[];
}

const isUrl = (s: string | undefined): s is string => s !== undefined && /^https?:\/\/[^\s]+$/.test(s);
/** RFC 6749 §3.3: scope-token = 1*NQCHAR. */
const SCOPE_TOKEN = /^[\x21\x23-\x5b\x5d-\x7e]+$/;

/** The account-linking request for these outputs; throws CliError for outputs that are not an adapter's. */
export function buildSkillConfig(input: SkillConfigInput): SkillConfig {
  const o = input.outputs;
  const notes: string[] = [];
  const accessTokenUrl = o[OUTPUT_KEYS.accessTokenUri];
  if (!isUrl(accessTokenUrl)) throw new CliError(`the outputs have no ${OUTPUT_KEYS.accessTokenUri}; is this an alexa-link-adapter stack?`);
  let authorizationUrl = o[OUTPUT_KEYS.authorizationUri];
  if (!isUrl(authorizationUrl)) {
    authorizationUrl = AUTHORIZATION_URL_PLACEHOLDER;
    notes.push(`authorizationUrl: the provider's authorization URL is not known (passthrough mode without authorizeUrl and a profile without one); replace ${AUTHORIZATION_URL_PLACEHOLDER}, or set authorizeUrl in the configuration and deploy again`);
  }
  const domainList = o[OUTPUT_KEYS.domainList];
  const domains = domainList === undefined || domainList === PASSTHROUGH_DOMAIN_LIST ? [] : domainList.split(',').map((d) => d.trim()).filter((d) => d !== '');
  if (domains.length > MAX_DOMAINS) throw new CliError(`the Domain List has ${domains.length} hosts; Alexa accepts at most ${MAX_DOMAINS}`);
  const scopes = [...(input.scopes ?? [])];
  const badScope = scopes.find((s) => !SCOPE_TOKEN.test(s));
  if (badScope !== undefined) throw new CliError(`--scope ${JSON.stringify(badScope)}: a scope is one token without spaces or quotes (RFC 6749 §3.3); repeat --scope for several`);
  if (scopes.length > MAX_SCOPES) throw new CliError(`${scopes.length} scopes; Alexa accepts at most ${MAX_SCOPES}`);
  if (scopes.length === 0 && o['SmartHomeFunctionArn'] !== undefined) notes.push('scopes: a smart-home skill must request at least one scope (--scope …)');
  const clientId = input.clientId ?? CLIENT_ID_PLACEHOLDER;
  if (input.clientId === undefined) notes.push(`clientId: pass --client-id (your OAuth client's id at the provider), or replace ${CLIENT_ID_PLACEHOLDER}`);
  const secret = input.env[CLIENT_SECRET_ENV];
  const clientSecret = secret !== undefined && secret !== '' ? secret : CLIENT_SECRET_PLACEHOLDER;
  if (clientSecret === CLIENT_SECRET_PLACEHOLDER) notes.push(`clientSecret: set ${CLIENT_SECRET_ENV} in the environment and run again, or replace ${CLIENT_SECRET_PLACEHOLDER} in the file`);
  const scheme = o[OUTPUT_KEYS.authenticationScheme] ?? '';
  const accountLinkingRequest: AccountLinkingRequestPayload = {
    // The adapter serves the authorization-code grant (its /token); smart home requires AUTH_CODE.
    type: 'AUTH_CODE',
    authorizationUrl,
    accessTokenUrl,
    // The adapter accepts both schemes (RFC 6749 §2.3.1); HTTP Basic is the one it recommends.
    accessTokenScheme: /request body/i.test(scheme) ? 'REQUEST_BODY_CREDENTIALS' : 'HTTP_BASIC',
    clientId,
    clientSecret,
    scopes,
    domains,
    ...(input.defaultTokenExpirationInSeconds !== undefined ? { defaultTokenExpirationInSeconds: input.defaultTokenExpirationInSeconds } : {}),
  };
  return { request: { accountLinkingRequest }, notes };
}

/** Quotes an argument for a POSIX shell when it needs it. */
export function shellQuote(arg: string): string {
  return /^[\w@%+=:,./-]+$/.test(arg) ? arg : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The `ask` command that applies a request saved in `file`. */
export function askCommand(skillId: string | undefined, stage: string, file: string, askProfile?: string): string {
  return [
    'ask smapi update-account-linking-info',
    `--skill-id ${shellQuote(skillId ?? SKILL_ID_PLACEHOLDER)}`,
    `--stage ${stage}`,
    `--account-linking-request ${shellQuote(`file:${file}`)}`,
    ...(askProfile ? [`--profile ${shellQuote(askProfile)}`] : []),
  ].join(' ');
}

/**
 * Local mode's console settings: those the running local mode wrote (LOCAL_MODE_OUTPUTS), else the
 * ones it would have on http://127.0.0.1:PORT with `config` (or the built-in demo configuration).
 */
export function localModeOutputs(env: Record<string, string | undefined>, configFile?: string): { outputs: Record<string, string>; origin: string } {
  if (configFile === undefined && existsSync(LOCAL_MODE_OUTPUTS)) {
    return { outputs: JSON.parse(readFileSync(LOCAL_MODE_OUTPUTS, 'utf8')) as Record<string, string>, origin: `${LOCAL_MODE_OUTPUTS} (written by the running local mode)` };
  }
  const port = Number(env['PORT'] || 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65532) throw new CliError(`PORT must be a port number (local mode's, default 3000), got "${env['PORT']}"`);
  const base = `http://127.0.0.1:${port}`;
  if (configFile !== undefined) {
    const { check, config } = checkConfig(configFile);
    if (!config) throw new CliError(check.detail);
    return { outputs: consoleOutputs(consoleSettings(base, config)), origin: `${configFile} as local mode would run it on ${base} (npm start -- --config ${configFile})` };
  }
  return {
    outputs: consoleOutputs(consoleSettings(base, demoAdapterConfig(`http://127.0.0.1:${port + 1}`))),
    origin: `the built-in demo as local mode runs it on ${base} (npm start; local mode is not running now)`,
  };
}

/** The provider's documented default token lifetime, from a configuration file's profile, if it has one. */
export function profileTokenLifetime(configFile: string): number | undefined {
  const { config } = checkConfig(configFile);
  return config ? selectProfile(config).profile?.fields.defaultExpiresIn : undefined;
}

/** Writes the request where the user asked (mode 0600: it may hold the client secret). */
export function writeRequestFile(file: string, text: string): void {
  writeFileSync(file, text, { mode: 0o600 });
}

/** `npx alexa-link-adapter skill-config …` (options: cli/main.ts HELP['skill-config']). */
export async function skillConfigCommand(v: Values, io: CliIO, argv: readonly string[], describeStack: () => Promise<StackInfo>): Promise<number> {
  const stage = (v['stage'] as string | undefined) ?? 'development';
  if (!(SMAPI_STAGES as readonly string[]).includes(stage)) throw new CliError(`--stage: "${stage}" is not a skill stage; use ${SMAPI_STAGES.join(', ')}${didYouMean(stage, SMAPI_STAGES)}`);
  const expiry = v['token-expiry'] as string | undefined;
  if (expiry !== undefined && !/^[1-9]\d{0,8}$/.test(expiry)) throw new CliError(`--token-expiry: "${expiry}" is not a number of seconds`);
  const configFile = v['config'] as string | undefined;
  let outputs: Record<string, string>;
  let origin: string;
  if (v['local']) {
    ({ outputs, origin } = localModeOutputs(io.env, configFile));
  } else {
    const stack = await describeStack();
    outputs = stack.outputs;
    origin = `the outputs of stack ${stack.name} (${stack.region})`;
  }
  const { request, notes } = buildSkillConfig({
    outputs,
    env: io.env,
    clientId: v['client-id'] as string | undefined,
    scopes: (v['scope'] as string[] | undefined) ?? [],
    defaultTokenExpirationInSeconds: expiry !== undefined ? Number(expiry) : configFile !== undefined ? profileTokenLifetime(configFile) : undefined,
  });
  const text = `${JSON.stringify(request, null, 2)}\n`;
  const out = v['out'] as string | undefined;
  if (out !== undefined) writeRequestFile(out, text);
  else io.stdout.write(text);
  const file = out ?? 'account-linking.json';
  const lines = [`Account-linking request from ${origin}${out !== undefined ? `, written to ${out}` : ''}.`];
  for (const note of notes) lines.push(`  - ${note}`);
  lines.push('Apply it with the ASK CLI:');
  if (out === undefined) lines.push(`  npx alexa-link-adapter ${argv.map(shellQuote).join(' ')} > ${file}`);
  lines.push(`  ${askCommand(v['skill-id'] as string | undefined, stage, file, v['ask-profile'] as string | undefined)}`);
  const redirect = outputs[OUTPUT_KEYS.providerRedirectUri];
  if (redirect !== undefined) lines.push(`At the provider, register ${redirect} as your OAuth client's redirect URI (interception mode).`);
  io.stderr.write(`${lines.join('\n')}\n`);
  return 0;
}

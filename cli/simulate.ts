/**
 * `npx alexa-link-adapter simulate`: Alexa's token leg against an Access Token URI (a deployed
 * stack's AccessTokenUri output, or local mode's /token) with the skill's client id and secret, and
 * the checks Alexa makes, from the same module as the link simulator's page (link-checks.ts).
 *
 * The browser leg needs a browser, so the code comes from one: `--authorize-url` prints the Web
 * Authorization URI as Alexa opens it and reads back the address the browser ends on (Alexa's
 * redirect URL, which does not load outside the Alexa app); `--return-url` takes that address;
 * `--code` takes a code alone; with none of them, ALEXA_REFRESH_TOKEN starts at the refresh.
 * The client secret comes from the environment only and is never printed; secrets appear as
 * fingerprints, the same ones the exchange records carry.
 */
import { randomBytes } from 'node:crypto';
import { createInterface } from 'node:readline';
import type { Readable } from 'node:stream';
import { newCodeVerifier, s256Challenge } from '../lambda/core/authorize/pkce';
import { checkAlexaRedirectUri } from '../lambda/core/authorize/redirect-uri';
import { fingerprint } from '../lambda/core/fingerprint';
import { alexaTokenLeg, type AlexaScheme, type TokenLeg } from './alexa-client';
import { returnChecks, tokenLegChecks, type LinkCheck } from './link-checks';
import { CliError } from './log-source';
import type { Style } from './render';

export const SIMULATE_OPTIONS = {
  'token-url': { type: 'string' },
  'client-id': { type: 'string' },
  'secret-env': { type: 'string' },
  scheme: { type: 'string' },
  code: { type: 'string' },
  'code-verifier': { type: 'string' },
  'redirect-uri': { type: 'string' },
  'return-url': { type: 'string' },
  state: { type: 'string' },
  'authorize-url': { type: 'string' },
  scope: { type: 'string' },
  pkce: { type: 'boolean' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

/** An Alexa redirect URL (EU); the vendor id is a placeholder unless --redirect-uri names the skill's. */
export const DEFAULT_REDIRECT_URI = 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA';

export const SIMULATE_HELP = `Usage: npx alexa-link-adapter simulate --token-url URL --client-id ID [--scheme basic|body]
         (--authorize-url URL [--scope S] [--pkce] | --return-url URL [--state S] | --code CODE) [--json]

Plays Alexa's side of the token leg against an Access Token URI (the stack's AccessTokenUri output, or
local mode's http://127.0.0.1:3000/token): the code exchange exactly as Alexa makes it (form POST, HTTP
Basic or credentials in the body), a refresh, and the same refresh again (Alexa's retry after a lost
answer). Prints the checks Alexa makes: state unchanged, redirect to an Alexa URL, token answer JSON 200
within 4.5 s, token_type Bearer, expires_in >= 360, refresh token present, refresh works, replay works.

  --token-url URL        the Access Token URI (required)
  --client-id ID         "Your Client ID" (default $ALEXA_CLIENT_ID)
  --secret-env NAME      the environment variable holding "Your Secret" (default ALEXA_CLIENT_SECRET);
                         the secret is never printed, only its fingerprint
  --scheme basic|body    "Your Authentication Scheme": HTTP Basic (default) or credentials in the body
  --redirect-uri URI     the Alexa redirect URL the code is issued for (default ${DEFAULT_REDIRECT_URI},
                         or the one in --return-url; use the skill's own when the stack pins vendorId)

Where the code comes from (one of):
  --authorize-url URL    the Web Authorization URI: prints it with Alexa's parameters (client id, a fresh
                         state, --scope, the redirect URL, PKCE S256 with --pkce), then reads from stdin the
                         address the browser ended on after signing in (it will not load: copy it from the
                         address bar)
  --return-url URL       that address (https://layla.amazon.com/api/skill/link/…?code=…&state=…);
                         --state S also checks that the state came back unchanged
  --code CODE            a code alone (--code-verifier V if the code was issued with PKCE)
  (none)                 refresh and replay only, from the refresh token in $ALEXA_REFRESH_TOKEN

  --json                 the checks as JSON
  -h, --help             this text

Exit code 0: every check passed, 1: a check failed, 2: usage errors.
`;

interface Io {
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
  stdin: Readable;
  env: Record<string, string | undefined>;
  fetch?: typeof fetch;
}

type Values = Record<string, string | boolean | string[] | undefined>;

async function readLine(stdin: Readable): Promise<string> {
  const rl = createInterface({ input: stdin, terminal: false });
  try {
    for await (const line of rl) if (line.trim() !== '') return line.trim();
  } finally {
    rl.close();
  }
  throw new CliError('no address on stdin: paste the address the browser ended on');
}

function parseUrl(value: string, what: string): URL {
  try {
    return new URL(value);
  } catch {
    throw new CliError(`${what} is not a URL`);
  }
}

export interface SimulateResult {
  tokenUrl: string;
  scheme: AlexaScheme;
  clientId: string;
  clientSecretFp: string;
  codeFp?: string;
  checks: (LinkCheck & { step: 'return' | 'token' | 'refresh' | 'replay' })[];
}

export async function cmdSimulate(v: Values, io: Io, style: Style): Promise<number> {
  const str = (k: string) => (typeof v[k] === 'string' ? (v[k] as string) : undefined);
  const tokenUrl = str('token-url');
  if (!tokenUrl) throw new CliError('simulate needs --token-url (the Access Token URI, e.g. the stack\'s AccessTokenUri output)');
  parseUrl(tokenUrl, '--token-url');
  const clientId = str('client-id') ?? io.env['ALEXA_CLIENT_ID'];
  if (!clientId) throw new CliError('simulate needs --client-id (or ALEXA_CLIENT_ID)');
  const secretEnv = str('secret-env') ?? 'ALEXA_CLIENT_SECRET';
  const clientSecret = io.env[secretEnv];
  if (clientSecret === undefined || clientSecret === '') throw new CliError(`set ${secretEnv} to the skill's client secret ("Your Secret"); it is read from the environment only, never from the command line`);
  const scheme = (str('scheme') ?? 'basic') as AlexaScheme;
  if (scheme !== 'basic' && scheme !== 'body') throw new CliError('--scheme must be basic or body');
  const sources = ['authorize-url', 'return-url', 'code'].filter((k) => str(k) !== undefined);
  if (sources.length > 1) throw new CliError(`give one of --authorize-url, --return-url, --code (got ${sources.map((s) => `--${s}`).join(', ')})`);

  let redirectUri = str('redirect-uri') ?? DEFAULT_REDIRECT_URI;
  const checks: SimulateResult['checks'] = [];
  let code = str('code');
  let verifier = str('code-verifier');
  let returned: URL | undefined;
  let sentState = str('state');

  if (str('authorize-url')) {
    const authorize = parseUrl(str('authorize-url')!, '--authorize-url');
    const redirect = checkAlexaRedirectUri(redirectUri);
    if (!redirect.ok) throw new CliError(`--redirect-uri: ${redirect.reason}`);
    sentState = randomBytes(32).toString('base64url');
    // Alexa's parameters, in Alexa's order (Alexa docs: configure-authorization-code-grant; observed requests); PKCE S256 when the skill uses it (RFC 7636 §4.3).
    const params: [string, string][] = [['client_id', clientId], ['response_type', 'code'], ['state', sentState], ...(str('scope') ? ([['scope', str('scope')!]] as [string, string][]) : []), ['redirect_uri', redirectUri]];
    if (v['pkce']) {
      verifier = newCodeVerifier();
      params.push(['code_challenge', s256Challenge(verifier)], ['code_challenge_method', 'S256']);
    }
    for (const [k, val] of params) authorize.searchParams.append(k, val);
    io.stderr.write(`Open this address in a browser and sign in, as the Alexa app would:\n\n  ${authorize.toString()}\n\nThe last redirect goes to ${redirectUri}?code=…&state=…, which does not load outside the Alexa app.\nPaste the address the browser ended on (from the address bar) and press Enter:\n`);
    returned = parseUrl(await readLine(io.stdin), 'the pasted address');
  } else if (str('return-url')) {
    returned = parseUrl(str('return-url')!, '--return-url');
    if (!str('redirect-uri')) redirectUri = `${returned.origin}${returned.pathname}`;
  }

  if (returned) {
    for (const c of returnChecks({ redirectUri, sentState: sentState ?? returned.searchParams.get('state') ?? '', returnedUrl: returned.toString() })) {
      // Without the state Alexa sent, "unchanged" cannot be judged.
      if (c.id === 'state_unchanged' && sentState === undefined) checks.push({ ...c, status: 'skip', detail: 'give --state with the state that was sent to check it came back unchanged', step: 'return' });
      else checks.push({ ...c, step: 'return' });
    }
    code = returned.searchParams.get('code') ?? undefined;
  }

  const refreshToken = code === undefined ? io.env['ALEXA_REFRESH_TOKEN'] : undefined;
  if (code === undefined && !refreshToken) {
    if (!returned) throw new CliError('give --authorize-url, --return-url or --code (or ALEXA_REFRESH_TOKEN to start at the refresh)');
  }
  const stopped = checks.find((c) => c.status === 'fail');
  let leg: TokenLeg = {};
  if (!stopped && (code !== undefined || refreshToken)) {
    leg = await alexaTokenLeg({
      tokenUrl,
      scheme,
      clientId,
      clientSecret,
      ...(code !== undefined ? { code, redirectUri } : { refreshToken: refreshToken! }),
      ...(verifier ? { codeVerifier: verifier } : {}),
      ...(io.fetch ? { fetch: io.fetch } : {}),
    });
  }
  const legChecks = tokenLegChecks(leg, stopped ? `Alexa stops here: ${stopped.name} failed, so it makes no token request` : undefined);
  checks.push(...legChecks.token.map((c) => ({ ...c, step: 'token' as const })), { ...legChecks.refresh, step: 'refresh' }, { ...legChecks.replay, step: 'replay' });

  const result: SimulateResult = { tokenUrl, scheme, clientId, clientSecretFp: fingerprint(clientSecret)!, ...(leg.codeFp ? { codeFp: leg.codeFp } : {}), checks };
  if (v['json']) {
    io.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
  } else {
    const lines = [style.bold(`Alexa's token requests to ${tokenUrl} (${scheme === 'basic' ? 'HTTP Basic' : 'credentials in the request body'}, client ${clientId}, secret ${result.clientSecretFp}):`), ''];
    for (const c of checks) {
      const tag = c.status === 'pass' ? style.green('PASS') : c.status === 'fail' ? style.red('FAIL') : c.status === 'warn' ? style.yellow('WARN') : style.dim('SKIP');
      lines.push(`  ${c.step.padEnd(8)} ${tag}  ${c.name}: ${c.detail}`);
    }
    if (leg.codeFp) lines.push('', style.dim(`The adapter's records of this link: npx alexa-link-adapter diagnose --link ${leg.codeFp} (the code's fingerprint)`));
    io.stdout.write(`${lines.join('\n')}\n`);
  }
  return checks.some((c) => c.status === 'fail') ? 1 : 0;
}

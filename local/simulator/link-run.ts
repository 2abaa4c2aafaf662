/**
 * One simulated link: Alexa's side of account linking as the Alexa app and Alexa's servers play it.
 *
 * 1. Alexa opens the Authorization URI with client_id, response_type=code, state, scope and its
 *    redirect URL (Alexa docs: configure-authorization-code-grant), plus an S256 code_challenge when the skill uses PKCE.
 * 2. The user signs in at the provider (in the browser; the simulator only sees the records).
 * 3. The browser comes back to the redirect URL, here the simulator's stand-in for Alexa's page,
 *    and Alexa checks it: its own URL, a code, the state unchanged.
 * 4. Alexa exchanges the code (form POST, HTTP Basic or body credentials), then refreshes, then
 *    replays that refresh as it does after a lost answer.
 *
 * The raw secrets (client secret, code, verifier, tokens) live in private fields; everything this
 * class exposes is what the page may show: values, or fingerprints for secrets.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { alexaTokenLeg, type AlexaScheme, type Shown, type TokenLeg } from '../../cli/alexa-client';
import { returnChecks, type LinkCheck } from '../../cli/link-checks';
import { newCodeVerifier, s256Challenge } from '../../lambda/core/authorize/pkce';
import { fingerprint } from '../../lambda/core/fingerprint';

export interface LinkSettings {
  clientId: string;
  scheme: AlexaScheme;
  scope: string;
  pkce: boolean;
  preset: string;
}

export interface LinkEndpoints {
  mode: 'interception' | 'passthrough';
  /** The skill's Web Authorization URI (our /authorize in interception mode, the provider's in passthrough). */
  authorizeUri: string;
  /** The skill's Access Token URI (our /token). */
  tokenUri: string;
  /** Where the browser comes back: the simulator's stand-in for Alexa's redirect URL. */
  redirectUri: string;
  /** The built-in demo provider's own token endpoint: the replay is also tried there, without the adapter. */
  demoTokenUrl?: string;
}

/** Alexa's state: long, opaque, base64 (the observed one starts `eyJpbml0Vm…`, base64 of JSON). */
function alexaState(): string {
  return Buffer.from(JSON.stringify({ initVector: randomBytes(12).toString('base64'), payload: randomBytes(36).toString('base64') })).toString('base64');
}

export type LinkStatus = 'waiting' | 'running' | 'done';

export class SimulatedLink {
  readonly id = randomUUID();
  readonly createdAt = new Date().toISOString();
  readonly state = alexaState();
  readonly stateFp: string;
  status: LinkStatus = 'waiting';
  /** The return, as shown: the URL with the code as a fingerprint. */
  returned?: { url: string; params: Shown[]; at: string };
  returnChecks?: LinkCheck[];
  /** Why Alexa made no token request (it stops when the return fails its checks). */
  notSent?: string;
  codeFp?: string;
  /** The token leg: code exchange, refresh, replay (and, with the demo provider, the replay without the adapter). */
  leg: TokenLeg = {};
  readonly #secret: string;
  readonly #verifier: string | undefined;

  constructor(
    readonly settings: LinkSettings,
    readonly endpoints: LinkEndpoints,
    clientSecret: string,
  ) {
    this.#secret = clientSecret;
    this.#verifier = settings.pkce ? newCodeVerifier() : undefined;
    this.stateFp = fingerprint(this.state)!;
  }

  get clientSecretFp(): string {
    return fingerprint(this.#secret) ?? '(empty)';
  }

  /** The parameters Alexa puts on the Authorization URI, in Alexa's order (Alexa docs: configure-authorization-code-grant; observed requests). */
  authorizeParams(): [string, string][] {
    const p: [string, string][] = [
      ['client_id', this.settings.clientId],
      ['response_type', 'code'],
      ['state', this.state],
      ...(this.settings.scope ? ([['scope', this.settings.scope]] as [string, string][]) : []),
      ['redirect_uri', this.endpoints.redirectUri],
    ];
    // RFC 7636 §4.3: S256, as Alexa sends when the skill has PKCE on.
    if (this.#verifier) p.push(['code_challenge', s256Challenge(this.#verifier)], ['code_challenge_method', 'S256']);
    return p;
  }

  authorizeUrl(): string {
    const url = new URL(this.endpoints.authorizeUri);
    for (const [k, v] of this.authorizeParams()) url.searchParams.append(k, v);
    return url.toString();
  }

  /** The browser is back at Alexa's redirect URL: check it, then play the token leg as Alexa does. */
  async onReturn(url: URL, fetchImpl?: typeof fetch): Promise<void> {
    if (this.status !== 'waiting') return;
    this.status = 'running';
    const code = url.searchParams.get('code') ?? undefined;
    this.codeFp = fingerprint(code);
    const params: Shown[] = [...url.searchParams].map(([name, value]) => (name === 'code' ? { name, value: fingerprint(value) ?? '(empty)', secret: true } : { name, value }));
    this.returned = { url: `${url.origin}${url.pathname}`, params, at: new Date().toISOString() };
    this.returnChecks = returnChecks({ redirectUri: this.endpoints.redirectUri, sentState: this.state, returnedUrl: url.toString() });
    try {
      const failed = this.returnChecks.find((c) => c.status === 'fail');
      if (failed || !code) {
        this.notSent = `Alexa stops here: ${failed ? `${failed.name} failed` : 'no code came back'}, so it makes no token request`;
        return;
      }
      this.leg = await alexaTokenLeg({
        tokenUrl: this.endpoints.tokenUri,
        scheme: this.settings.scheme,
        clientId: this.settings.clientId,
        // The "wrong secret" preset: the console holds another secret than the provider.
        clientSecret: this.settings.preset === 'wrong_secret' ? `${this.#secret}-not-the-real-one` : this.#secret,
        code,
        redirectUri: this.endpoints.redirectUri,
        ...(this.#verifier ? { codeVerifier: this.#verifier } : {}),
        ...(this.endpoints.demoTokenUrl ? { directTokenUrl: this.endpoints.demoTokenUrl } : {}),
        ...(fetchImpl ? { fetch: fetchImpl } : {}),
      });
    } finally {
      this.status = 'done';
    }
  }
}

/** The authorization leg's part of the `npm start` banner. */
import type { RuntimeConfig } from '../lambda/core/config';
import { DEMO_CLIENT_ID, DEMO_PASSWORD, DEMO_USER } from './demo-provider';

/** One of Alexa's redirect URLs (EU), as Alexa sends it to /authorize. */
export const LOCAL_ALEXA_REDIRECT_URI = 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA';

export function authorizationLegBanner(adapterUrl: string, config: RuntimeConfig): string[] {
  if (config.mode !== 'interception') return [`  mode               passthrough (Web Authorization URI = the provider's own; /authorize is not served)`];
  return [
    `  mode               interception`,
    `  Web Authorization  ${adapterUrl}/authorize`,
    `  provider redirect  ${adapterUrl}/callback  (register this at the provider)`,
  ];
}

/** The /authorize URL Alexa would open for this skill (code grant, state, scope). */
export function alexaAuthorizeUrl(adapterUrl: string): string {
  const q = new URLSearchParams({ client_id: DEMO_CLIENT_ID, response_type: 'code', state: 'alexa-state-123', scope: 'repo', redirect_uri: LOCAL_ALEXA_REDIRECT_URI });
  return `${adapterUrl}/authorize?${q}`;
}

export function linkAsAlexaBanner(adapterUrl: string): string[] {
  const url = alexaAuthorizeUrl(adapterUrl);
  return [
    `Link as Alexa would: open this in a browser and sign in as ${DEMO_USER} / ${DEMO_PASSWORD}:`,
    '',
    `  ${url}`,
    '',
    'The last hop redirects to layla.amazon.com, which will not load here (the link simulator above comes',
    'back to itself instead): the code is in that address (?code=…&state=alexa-state-123). The same three',
    'hops with curl, printing the final Location:',
    '',
    `  L=$(curl -s -o /dev/null -w '%{redirect_url}' '${url}'); \\`,
    `  C=$(curl -s -o /dev/null -w '%{redirect_url}' -d login=${DEMO_USER} -d password=${DEMO_PASSWORD} -d action=approve "$L"); \\`,
    `  curl -s -o /dev/null -w '%{redirect_url}\\n' "$C"`,
    '',
    `Then exchange that code as above, with -d redirect_uri=${LOCAL_ALEXA_REDIRECT_URI}.`,
  ];
}

/**
 * `npm run local:directive` (with `npm start` running): links a user through the token route as
 * Alexa does, sends the AcceptGrant directive Alexa sends next, then a ChangeReport through the
 * events endpoint, and prints each answer. PORT as for npm start (default 3000).
 */
import { randomUUID } from 'node:crypto';
import { HTTP_ROUTES, INVOKED_FUNCTIONS } from '../lambda/contract/routes';

const port = Number(process.env.PORT ?? 3000);
const base = `http://127.0.0.1:${port}`;
const demo = `http://127.0.0.1:${port + 1}`;
const smartHome = `http://127.0.0.1:${port + 3}`;
const show = (title: string, value: unknown) => process.stdout.write(`\n${title}\n${JSON.stringify(value, null, 2)}\n`);

async function main() {
  const code = await (await fetch(`${demo}/demo/code`)).text();
  const token = await fetch(`${base}${HTTP_ROUTES.token.path}`, {
    method: 'POST',
    headers: { authorization: `Basic ${Buffer.from('demo-client:demo-secret').toString('base64')}`, 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: 'https://layla.amazon.com/api/skill/link/M2AAAAAAAAAAAA' }),
  });
  const tokens = (await token.json()) as { access_token?: string };
  if (!tokens.access_token) throw new Error(`token route answered ${token.status}: ${JSON.stringify(tokens)}`);
  const grant = await (await fetch(`${smartHome}/lwa/code`)).text();
  const directive = {
    directive: {
      header: { namespace: 'Alexa.Authorization', name: 'AcceptGrant', messageId: randomUUID(), payloadVersion: '3' },
      payload: { grant: { type: 'OAuth2.AuthorizationCode', code: grant }, grantee: { type: 'BearerToken', token: tokens.access_token } },
    },
  };
  show('AcceptGrant answer:', await (await fetch(`${smartHome}${INVOKED_FUNCTIONS['smart-home'].local.path}`, { method: INVOKED_FUNCTIONS['smart-home'].local.method, body: JSON.stringify(directive) })).json());
  const message = {
    event: {
      header: { namespace: 'Alexa', name: 'ChangeReport', messageId: randomUUID(), payloadVersion: '3' },
      endpoint: { endpointId: 'lamp-1' },
      payload: { change: { cause: { type: 'PHYSICAL_INTERACTION' }, properties: [] } },
    },
    context: { properties: [] },
  };
  show('Event Gateway send:', await (await fetch(`${smartHome}${INVOKED_FUNCTIONS.events.local.path}`, { method: INVOKED_FUNCTIONS.events.local.method, body: JSON.stringify({ granteeToken: tokens.access_token, message }) })).json());
}

main().catch((err: unknown) => {
  process.stderr.write(`local:directive failed (is npm start running on PORT ${port}?): ${(err as Error).message}\n`);
  process.exit(1);
});

/**
 * The last gate before bytes leave the adapter: every record on its way to the log and every error
 * text on its way back to Alexa passes through here, in the request's secret scope.
 *
 * Records: every string is scrubbed against every secret the request saw (scrub.ts) and has its
 * control characters neutralised; fingerprints pass as they are; numbers and booleans pass; a key
 * that is not a plain identifier is dropped. The fields are built from closed sets, numbers,
 * fingerprints and scrubbed prose already (log-values.ts, redact.ts); this pass makes the promise
 * independent of every one of those call sites.
 *
 * Answers: error texts (`error_description` of a §5.2 answer or of a redirect to Alexa, an HTML
 * page, a smart-home ErrorResponse's message) and the members of a token answer other than the
 * tokens themselves (`scope`, anything the provider added): a provider that echoes Alexa's code or
 * secret into them does not get it reflected. The tokens the provider issued, and a refresh token
 * Alexa presented and gets back, pass untouched: they are the answer.
 */
import { FINGERPRINT } from './fingerprint';
import type { HttpAnswer } from './http-types';
import { SecretSet, WITHHELD, neutralizeControls } from './scrub';
import { currentSecrets } from './secret-scope';

const PLAIN_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
/** The members of a token answer that ARE the answer (RFC 6749 §5.1, OpenID Connect Core §3.1.3.3). */
const TOKEN_MEMBERS: ReadonlySet<string> = new Set(['access_token', 'refresh_token', 'id_token', 'token_type', 'expires_in']);
const MAX_DEPTH = 8;

function guardValue(value: unknown, key: string, secrets: SecretSet | undefined, depth: number): unknown {
  if (typeof value === 'string') {
    if (key.endsWith('Fp') && FINGERPRINT.test(value)) return value;
    return neutralizeControls(secrets ? secrets.scrub(value) : value);
  }
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'boolean' || value === null) return value;
  if (depth >= MAX_DEPTH) return undefined;
  if (Array.isArray(value)) return value.map((v) => guardValue(v, key, secrets, depth + 1) ?? null);
  if (typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) {
      if (!PLAIN_KEY.test(k)) continue;
      const guarded = guardValue(v, k, secrets, depth + 1);
      if (guarded !== undefined) out[k] = guarded;
    }
    return out;
  }
  return undefined; // functions, symbols, bigints: not record data
}

/**
 * Every string value the guard would pass as text, for one detection pass over the whole record
 * (keys are the adapter's own identifiers, and fingerprints pass as they are).
 */
function strings(value: unknown, out: string[], key = '', depth = 0): string[] {
  if (typeof value === 'string') {
    if (!(key.endsWith('Fp') && FINGERPRINT.test(value))) out.push(value);
  } else if (typeof value === 'object' && value !== null && depth < MAX_DEPTH) {
    for (const [k, v] of Object.entries(value)) strings(v, out, Array.isArray(value) ? key : k, depth + 1);
  }
  return out;
}

/**
 * A copy of the record fit for the log, scrubbed against the current request's secrets. One
 * detection pass over all of its text first: the common record holds no secret, and then only
 * control characters are neutralised, field by field.
 */
export function guardRecord<T extends object>(record: T, secrets: SecretSet = currentSecrets()): T {
  const holds = secrets.size > 0 && secrets.holdsSecret(strings(record, []).join('\n'));
  return guardValue(record, '', holds ? secrets : undefined, 0) as T;
}

/** An error text for Alexa (or a page), scrubbed against the current request's secrets. */
export function guardText(text: string, secrets: SecretSet = currentSecrets()): string {
  return neutralizeControls(secrets.scrub(text));
}

/**
 * An HTTP answer fit to send: in a JSON answer every member but the tokens (so `error_description`,
 * `scope`, anything a provider added), a redirect's `error_description` parameter and an HTML page's
 * text are scrubbed; anything else is untouched.
 */
export function guardAnswer(answer: HttpAnswer, secrets: SecretSet = currentSecrets()): HttpAnswer {
  if (secrets.size === 0) return answer;
  const location = answer.headers['location'];
  if (location !== undefined) {
    const guarded = guardLocation(location, secrets);
    return guarded === location ? answer : { ...answer, headers: { ...answer.headers, location: guarded } };
  }
  if (answer.body === '') return answer;
  const type = answer.headers['content-type'] ?? '';
  if (type.startsWith('application/json')) {
    let body: unknown;
    try {
      body = JSON.parse(answer.body);
    } catch {
      body = undefined;
    }
    // Not a JSON object (no route answers so, but the gate does not rely on that): scrubbed as text.
    if (typeof body !== 'object' || body === null || Array.isArray(body)) return scrubbedText(answer, secrets);
    const others = Object.entries(body).filter(([k]) => !TOKEN_MEMBERS.has(k));
    if (!secrets.holdsSecret(JSON.stringify(others))) return answer;
    return { ...answer, body: JSON.stringify(Object.fromEntries(Object.entries(body).map(([k, v]) => [k, TOKEN_MEMBERS.has(k) ? v : scrubDeep(v, secrets, 0)]))) };
  }
  if (answer.status === 200) return answer;
  // Our HTML pages: their text is escaped already; entity-encoded copies are found by the scrubber too.
  return scrubbedText(answer, secrets);
}

function scrubbedText(answer: HttpAnswer, secrets: SecretSet): HttpAnswer {
  const body = secrets.scrub(answer.body);
  return body === answer.body ? answer : { ...answer, body };
}

/** The value with every string scrubbed, its shape (keys, order, other types) unchanged. */
function scrubDeep(value: unknown, secrets: SecretSet, depth: number): unknown {
  if (typeof value === 'string') return secrets.scrub(value);
  if (typeof value !== 'object' || value === null) return value;
  // Deeper than the walk goes: kept only when it holds no secret (a provider's member nested 9 deep is still a member).
  if (depth >= MAX_DEPTH) return secrets.holdsSecret(JSON.stringify(value)) ? WITHHELD : value;
  if (Array.isArray(value)) return value.map((v) => scrubDeep(v, secrets, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrubDeep(v, secrets, depth + 1)]));
}

/** A redirect carrying an error (RFC 6749 §4.1.2.1): its error_description is scrubbed, in the query or the fragment. */
function guardLocation(location: string, secrets: SecretSet): string {
  const at = location.search(/[?#]/);
  if (at < 0) return location;
  const params = new URLSearchParams(location.slice(at + 1));
  const description = params.get('error_description');
  if (description === null || !params.has('error')) return location;
  const guarded = guardText(description, secrets);
  if (guarded === description) return location;
  params.set('error_description', guarded);
  return `${location.slice(0, at + 1)}${params.toString()}`;
}

/**
 * Every encoding a secret may be echoed in (the issue's list), written independently of the
 * adapter's scrubber (lambda/core/scrub.ts) so that tests do not check the scrubber against itself.
 *
 * `ENCODINGS` makes echoes (a hostile provider, the property test); `leaksIn` finds copies of
 * secrets in a text: every encoding in full, case-insensitively where the encoding is text, plus
 * the part of base64 that a secret fixes inside any longer base64 string (a Basic header
 * base64(id:secret), a JWT).
 */

const hex2 = (b: number, upper = true) => b.toString(16).padStart(2, '0')[upper ? 'toUpperCase' : 'toLowerCase']();
const bytes = (s: string) => [...Buffer.from(s, 'utf8')];
const isUnreserved = (c: string, extra: string) => /^[A-Za-z0-9]$/.test(c) || extra.includes(c);
/** Percent-encodes every character not in the unreserved set (plus `extra`), with the given hex case. */
const percent = (s: string, extra: string, upper: boolean) =>
  [...s].map((c) => (isUnreserved(c, extra) ? c : bytes(c).map((b) => `%${hex2(b, upper)}`).join(''))).join('');

export const ENCODINGS: Readonly<Record<string, (s: string) => string>> = {
  raw: (s) => s,
  'upper-cased': (s) => s.toUpperCase(),
  'lower-cased': (s) => s.toLowerCase(),
  'form (WHATWG)': (s) => new URLSearchParams({ v: s }).toString().slice(2),
  encodeURIComponent: (s) => encodeURIComponent(s),
  'percent, lower-case hex': (s) => encodeURIComponent(s).replace(/%[0-9A-F]{2}/g, (m) => m.toLowerCase()),
  'percent, every byte': (s) => bytes(s).map((b) => `%${hex2(b)}`).join(''),
  "Python quote (safe='/')": (s) => percent(s, '_.-~/', true),
  'Python quote_plus': (s) => percent(s.replace(/ /g, '\u0000'), '_.-~', true).replace(/%00/g, '+'),
  'double percent-encoding': (s) => encodeURIComponent(encodeURIComponent(s)),
  'base64 padded': (s) => Buffer.from(s).toString('base64'),
  'base64 unpadded': (s) => Buffer.from(s).toString('base64').replace(/=+$/, ''),
  'base64url padded': (s) => Buffer.from(s).toString('base64url').padEnd(Math.ceil(Buffer.from(s).toString('base64url').length / 4) * 4, '='),
  'base64url unpadded': (s) => Buffer.from(s).toString('base64url'),
  'base64 after 1 byte': (s) => Buffer.from(`x${s}`).toString('base64'),
  'base64 after 2 bytes': (s) => Buffer.from(`xy${s}`).toString('base64'),
  'Basic id:secret': (s) => `Basic ${Buffer.from(`alexa-skill:${s}`).toString('base64')}`,
  'Basic id:secret, form-encoded (RFC 6749 §2.3.1)': (s) => `Basic ${Buffer.from(`alexa-skill:${new URLSearchParams({ v: s }).toString().slice(2)}`).toString('base64')}`,
  'hex lower': (s) => Buffer.from(s).toString('hex'),
  'hex upper': (s) => Buffer.from(s).toString('hex').toUpperCase(),
  'HTML decimal entities': (s) => [...s].map((c) => `&#${c.codePointAt(0)};`).join(''),
  'HTML hex entities': (s) => [...s].map((c) => `&#x${c.codePointAt(0)!.toString(16).toUpperCase()};`).join(''),
  'HTML escape (html.escape)': (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;').replace(/'/g, '&#x27;'),
  'JSON-escaped': (s) => JSON.stringify(s).slice(1, -1),
  'JSON \\u-escaped': (s) => s.split('').map((unit) => `\\u${unit.charCodeAt(0).toString(16).padStart(4, '0')}`).join(''),
  'JSON, / escaped': (s) => JSON.stringify(s).slice(1, -1).replace(/\//g, '\\/'),
};

/** Every encoded form of the secret, as an echo would carry it. */
export function encodedForms(secret: string): string[] {
  return [...new Set(Object.values(ENCODINGS).map((encode) => encode(secret)))];
}

/** The part of base64(x + secret + y) fixed by the secret, for each alignment and each alphabet. */
function base64Cores(secret: string): string[] {
  const out: string[] = [];
  for (const variant of new Set([secret, new URLSearchParams({ v: secret }).toString().slice(2), encodeURIComponent(secret)])) {
    const b = Buffer.from(variant, 'utf8');
    for (let offset = 0; offset < 3; offset++) {
      const enc = Buffer.concat([Buffer.alloc(offset), b]).toString('base64');
      const core = enc.slice(offset === 0 ? 0 : 4, 4 * Math.floor((offset + b.length) / 3));
      if (core.length >= 8) out.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
    }
  }
  return out;
}

const coresCache = new Map<string, string[]>();
const coresOf = (secret: string) => coresCache.get(secret) ?? coresCache.set(secret, base64Cores(secret)).get(secret)!;
const formsCache = new Map<string, [string, string][]>();
/** Every encoding's form of the secret, computed once per secret. */
function formsOf(secret: string): [string, string][] {
  let forms = formsCache.get(secret);
  if (!forms) formsCache.set(secret, (forms = Object.entries(ENCODINGS).map(([name, encode]) => [name, encode(secret)])));
  return forms;
}

/** What each secret may not leave behind in a text: `name: form` for each copy found (in the `only` encodings, if given). */
export function leaksIn(text: string, secrets: readonly string[], only?: readonly string[]): string[] {
  const lower = text.toLowerCase();
  const found: string[] = [];
  for (const secret of secrets) {
    for (const [name, form] of formsOf(secret)) {
      if (only && !only.includes(name)) continue;
      const caseless = !name.startsWith('base64') && !name.startsWith('Basic');
      if (caseless ? lower.includes(form.toLowerCase()) : text.includes(form)) found.push(`${name}: ${secret.slice(0, 24)}`);
    }
    for (const core of coresOf(secret)) if (text.includes(core)) found.push(`base64 inside a longer string: ${secret.slice(0, 24)}`);
  }
  return [...new Set(found)];
}

/**
 * Whether the text holds a copy of ANY secret tagged with `marker` (every canary of a test starts
 * with it), in any encoding: the text is decoded the ways a copy could have been written —
 * percent-escapes (twice), character references, JSON escapes, and every run of base64 or hex at
 * every alignment — and each reading is searched for the tag, case-insensitively. Cheap enough for a
 * whole run's output and a table dump, where leaksIn over thousands of canaries is not. Written with
 * plain regular expressions, independently of the adapter's scrubber.
 */
export function canaryIn(text: string, marker = /canary/i): string[] {
  const found = new Set<string>();
  const percent = (t: string) => t.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => Buffer.from(run.replace(/%/g, ''), 'hex').toString('latin1'));
  const entities = (t: string) => t.replace(/&#(\d+);?|&#x([0-9a-f]+);?/gi, (_m, d?: string, h?: string) => String.fromCodePoint(Math.min(0x10ffff, d ? Number(d) : parseInt(h!, 16))));
  const escapes = (t: string) => t.replace(/\\u([0-9a-f]{4})|\\x([0-9a-f]{2})/gi, (_m, u?: string, x?: string) => String.fromCharCode(parseInt(u ?? x!, 16)));
  const readings: [string, string][] = [['as written', text], ['percent-decoded', percent(text)], ['percent-decoded twice', percent(percent(text))], ['references decoded', entities(text)], ['JSON escapes decoded', escapes(text)]];
  for (const [name, t] of readings) {
    if (marker.test(t)) found.add(name);
    for (const run of t.match(/[A-Za-z0-9+/_-]{8,}/g) ?? []) {
      for (let shift = 0; shift < 4; shift++) {
        if (marker.test(Buffer.from(run.slice(shift).replace(/-/g, '+').replace(/_/g, '/'), 'base64').toString('latin1'))) found.add(`base64 (${name})`);
      }
    }
    for (const run of t.match(/[0-9a-fA-F]{12,}/g) ?? []) {
      for (let shift = 0; shift < 2; shift++) if (marker.test(Buffer.from(run.slice(shift), 'hex').toString('latin1'))) found.add(`hex (${name})`);
    }
  }
  return [...found];
}

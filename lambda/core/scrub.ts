/**
 * The one scrubber: finds every copy of a known secret in a text, whatever encoding it travelled
 * in, and replaces it with the secret's fingerprint. Everything the adapter logs or sends back in an
 * error that did not come from a closed set, a number or a fingerprint goes through it
 * (README "No secret in any log").
 *
 * Encodings a copy is found in:
 * - raw, and upper-, lower- or mixed-case copies;
 * - percent-encoding of any subset of its characters, with upper- or lower-case hex, `+` or `%20` for
 *   a space: form encoding, encodeURIComponent, Python's quote (`/` left raw) and quote_plus, and
 *   double encoding (`%252F`);
 * - HTML character references: decimal, hex (any case, leading zeros), the named ones for ASCII;
 * - JSON and JavaScript escapes: `\uXXXX`, `\/`, `\"`, `\\`, `\xXX`;
 * - base64 and base64url, padded or not, at any of the three alignments inside a longer base64
 *   string, of the raw, form-encoded and percent-encoded secret: the Basic header
 *   base64(id:secret) and a JWT or blob that contains the secret are caught;
 * - hex of its UTF-8 bytes, either case.
 *
 * Detection decodes the text in each of those ways and looks for the secret (lower-cased); the
 * copies are then located with one pattern per secret that accepts every encoding for every
 * character, so mixtures are found too. Post-condition, by construction: if a copy is still
 * detectable after replacement (an encoding mix the patterns do not model), the whole text is
 * withheld instead.
 */
import { fingerprint } from './fingerprint';

/** Shorter strings are not treated as secrets (they would match ordinary words and numbers). */
export const MIN_SECRET_LENGTH = 4;
/** What a text becomes when a secret was detected in it but could not be cut out. */
export const WITHHELD = '[withheld: held a secret]';

/** Named character references (HTML) for ASCII punctuation; looked up by exact name, then lower-cased. */
const NAMED_ENTITIES: Record<string, string> = {
  amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", sol: '/', bsol: '\\', plus: '+', equals: '=', num: '#', excl: '!',
  quest: '?', commat: '@', lowbar: '_', underbar: '_', period: '.', comma: ',', colon: ':', semi: ';', lpar: '(', rpar: ')',
  lsqb: '[', rsqb: ']', lbrack: '[', rbrack: ']', lcub: '{', rcub: '}', lbrace: '{', rbrace: '}', dollar: '$',
  percnt: '%', ast: '*', midast: '*', hat: '^', grave: '`', tilde: '~', verbar: '|', vert: '|', hyphen: '-', dash: '-', nbsp: ' ',
};
// HTML 4 Latin-1 entities, U+00A0 to U+00FF in order (what PHP's htmlentities writes for é, ü, ß, …).
'nbsp iexcl cent pound curren yen brvbar sect uml copy ordf laquo not shy reg macr deg plusmn sup2 sup3 acute micro para middot cedil sup1 ordm raquo frac14 frac12 frac34 iquest Agrave Aacute Acirc Atilde Auml Aring AElig Ccedil Egrave Eacute Ecirc Euml Igrave Iacute Icirc Iuml ETH Ntilde Ograve Oacute Ocirc Otilde Ouml times Oslash Ugrave Uacute Ucirc Uuml Yacute THORN szlig agrave aacute acirc atilde auml aring aelig ccedil egrave eacute ecirc euml igrave iacute icirc iuml eth ntilde ograve oacute ocirc otilde ouml divide oslash ugrave uacute ucirc uuml yacute thorn yuml'
  .split(' ')
  .forEach((name, i) => (NAMED_ENTITIES[name] = String.fromCharCode(0xa0 + i)));
const ENTITY_NAMES = new Map<string, string[]>();
for (const [name, ch] of Object.entries(NAMED_ENTITIES)) ENTITY_NAMES.set(ch, [...(ENTITY_NAMES.get(ch) ?? []), name]);

const lenientUtf8 = new TextDecoder('utf-8');

function percentDecode(text: string): string {
  if (!text.includes('%')) return text;
  return text.replace(/(?:%[0-9a-fA-F]{2})+/g, (run) => lenientUtf8.decode(Buffer.from(run.replace(/%/g, ''), 'hex')));
}

function entityDecode(text: string): string {
  if (!text.includes('&')) return text;
  return text.replace(/&(?:#0*(\d{1,7})|#[xX]0*([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,9}));?/g, (m, dec?: string, hex?: string, name?: string) => {
    if (dec !== undefined || hex !== undefined) {
      const cp = dec !== undefined ? Number(dec) : parseInt(hex!, 16);
      return cp <= 0x10ffff ? String.fromCodePoint(cp) : m;
    }
    return NAMED_ENTITIES[name!] ?? NAMED_ENTITIES[name!.toLowerCase()] ?? m;
  });
}

function escapeDecode(text: string): string {
  if (!text.includes('\\')) return text;
  return text.replace(/\\(?:u([0-9a-fA-F]{4})|x([0-9a-fA-F]{2})|([\\/"']))/g, (_m, u?: string, x?: string, c?: string) =>
    u !== undefined ? String.fromCharCode(parseInt(u, 16)) : x !== undefined ? String.fromCharCode(parseInt(x, 16)) : c!,
  );
}

/** One case for comparison (upper then lower: `ᾀ` upper-cases to two characters). */
const caseFold = (t: string) => t.toUpperCase().toLowerCase();

/** The text as each encoding would decode it, case-folded: a secret copied in any one of them shows up raw in one view. */
function textViews(text: string): string[] {
  if (!/[%&\\+]/.test(text)) return [caseFold(text)];
  const views = new Set<string>([text]);
  const escapes = escapeDecode(text);
  const entities = entityDecode(text);
  const once = percentDecode(text);
  const form = percentDecode(text.replace(/\+/g, ' '));
  views.add(escapes).add(entities).add(once).add(form).add(percentDecode(once)).add(percentDecode(form));
  // Every decoding, repeatedly, for copies encoded in layers (a JSON string holding an HTML-escaped URL).
  let layered = text;
  for (let i = 0; i < 3; i++) layered = escapeDecode(entityDecode(percentDecode(layered)));
  views.add(layered);
  return [...views].map(caseFold);
}

/** Views in which base64 (either alphabet, possibly percent- or JSON-escaped) reads as standard base64. */
function base64Views(text: string): string[] {
  const std = (t: string) => (/[-_]/.test(t) ? t.replace(/-/g, '+').replace(/_/g, '/') : t);
  if (!/[%\\]/.test(text)) return [std(text)];
  return [...new Set([std(text), std(percentDecode(text)), std(escapeDecode(text))])];
}

const reEscape = (s: string) => s.replace(/[.*+?^${}()|[\]\\/-]/g, '\\$&');
const hex2 = (n: number) => n.toString(16).padStart(2, '0');

/** Every way one character may be written in a text (used with the `i` flag). */
function charPattern(ch: string): string {
  const cp = ch.codePointAt(0)!;
  const alts = [ch === ' ' || ch === '+' ? '[ +]' : reEscape(ch)];
  alts.push([...Buffer.from(ch, 'utf8')].map((b) => `%(?:25)?${hex2(b)}`).join(''));
  alts.push(`&#0*${cp};?`, `&#x0*${cp.toString(16)};?`);
  for (const name of ENTITY_NAMES.get(ch) ?? []) alts.push(`&${name};`);
  if (cp > 0xffff) {
    alts.push([ch.charCodeAt(0), ch.charCodeAt(1)].map((u) => `\\\\u${u.toString(16).padStart(4, '0')}`).join(''));
  } else {
    alts.push(`\\\\u${cp.toString(16).padStart(4, '0')}`);
    if (cp < 0x100) alts.push(`\\\\x${hex2(cp)}`);
  }
  if ('\\/"\''.includes(ch)) alts.push(`\\\\${reEscape(ch)}`);
  return `(?:${alts.join('|')})`;
}

/** A base64 character in either alphabet, percent- or JSON-escaped. */
function base64CharPattern(ch: string): string {
  if (ch === '+') return '(?:\\+|-|%2[bB])';
  if (ch === '/') return '(?:\\/|_|%2[fF]|\\\\\\/)';
  return reEscape(ch);
}

/** The part of base64(x + secret + y) fixed by the secret alone, for each alignment of the secret. */
function base64Cores(bytes: Buffer): string[] {
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const b64 = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const core = b64.slice(offset === 0 ? 0 : 4, 4 * Math.floor((offset + bytes.length) / 3));
    if (core.length >= 4) cores.push(core);
  }
  return cores;
}

/** application/x-www-form-urlencoded (WHATWG): encodeURIComponent, plus `!'()~` encoded and `+` for space. */
function formEncode(value: string): string {
  return uriEncode(value)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

function uriEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value; // a lone surrogate cannot have travelled percent-encoded
  }
}

/** One known secret: the forms detection compares with (computed on first need), and the patterns that cut it out (built only when found). */
class Known {
  private detection?: { lower: string; hex: string; cores: string[] };
  private patterns?: RegExp[];
  constructor(readonly value: string) {}

  private forms() {
    if (this.detection) return this.detection;
    const variants = [...new Set([this.value, formEncode(this.value), uriEncode(this.value)])];
    this.detection = {
      lower: caseFold(this.value),
      hex: Buffer.from(this.value, 'utf8').toString('hex'),
      cores: [...new Set(variants.flatMap((v) => base64Cores(Buffer.from(v, 'utf8'))))],
    };
    return this.detection;
  }

  detectedIn(views: readonly string[], b64: readonly string[]): boolean {
    const f = this.forms();
    return views.some((v) => v.includes(f.lower) || v.includes(f.hex)) || f.cores.some((c) => b64.some((v) => v.includes(c)));
  }

  replaceIn(text: string): string {
    const f = this.forms();
    this.patterns ??= [
      new RegExp([...this.value].map(charPattern).join(''), 'gi'),
      ...f.cores.map((c) => new RegExp([...c].map(base64CharPattern).join(''), 'g')),
      new RegExp(f.hex, 'gi'),
    ];
    const fp = fingerprint(this.value)!;
    let out = text;
    for (const p of this.patterns) out = out.replace(p, fp);
    return out;
  }
}

/** The secrets known to one request (or one call), and the scrubbing of texts against them. */
export class SecretSet {
  private readonly known = new Map<string, Known>();
  private ordered?: Known[];

  constructor(values: Iterable<string | undefined | null> = []) {
    this.add(...values);
  }

  add(...values: readonly (string | undefined | null)[]): this {
    for (const v of values) {
      if (typeof v !== 'string' || v.length < MIN_SECRET_LENGTH || this.known.has(v)) continue;
      this.known.set(v, new Known(v));
      this.ordered = undefined;
    }
    return this;
  }

  get size(): number {
    return this.known.size;
  }

  /** Longest first: a secret that contains another (a Basic header, a JWT) is replaced whole. */
  private list(): Known[] {
    return (this.ordered ??= [...this.known.values()].sort((a, b) => b.value.length - a.value.length));
  }

  private detect(list: readonly Known[], text: string): Known[] {
    if (list.length === 0 || text.length < MIN_SECRET_LENGTH) return [];
    const views = textViews(text);
    const b64 = base64Views(text);
    return list.filter((k) => k.detectedIn(views, b64));
  }

  /** Whether the text holds a copy of any of the secrets, in any encoding. */
  holdsSecret(text: string): boolean {
    return this.detect(this.list(), text).length > 0;
  }

  /** The text with every copy of every secret replaced by its fingerprint, or WITHHELD. */
  scrub(text: string): string {
    const list = this.list();
    const found = this.detect(list, text);
    if (found.length === 0) return text;
    let out = text;
    for (const k of found) out = k.replaceIn(out);
    return this.detect(list, out).length > 0 ? WITHHELD : out;
  }
}

/**
 * Control characters, bidi overrides and invisible separators: C0, DEL, C1, U+061C, U+200B–U+200F,
 * U+2028–U+202E, U+2060–U+2069, U+FEFF, U+FFF9–U+FFFB. In a log line they forge lines or reorder what
 * a reader sees; the CLI neutralises them again on output (cli/terminal.ts).
 */
// eslint-disable-next-line no-control-regex
export const UNSAFE_CHARACTERS = /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u2069\ufeff\ufff9-\ufffb]/;
// eslint-disable-next-line no-control-regex
const UNSAFE_RUNS = new RegExp(`${UNSAFE_CHARACTERS.source}+`, 'g');

/** Runs of unsafe characters (see UNSAFE_CHARACTERS) become one space. */
export function neutralizeControls(text: string): string {
  return text.replace(UNSAFE_RUNS, ' ');
}

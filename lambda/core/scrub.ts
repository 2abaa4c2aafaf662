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
 * How: the text is decoded in layers (percent-escapes, character references, JSON escapes; up to
 * three layers, so double and mixed encodings decode too), case-folded, and every decoded character
 * remembers which span of the original text it came from. A copy of the secret in any layer maps back
 * to the exact span it occupies in the original, however its characters were written, and that span
 * is replaced. Base64 and hex are searched as the parts a secret fixes. Linear in the text; no
 * pattern is built per secret. Post-condition, by construction: if a copy is still detectable after
 * replacement, the whole text is withheld instead.
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

/**
 * One case for comparison: lower, upper, lower (`ᾀ` upper-cases to two characters; `ẞ` lower-cases
 * to `ß`, which upper-cases to `SS`), and the one context-dependent mapping of toLowerCase (final
 * sigma) undone, so folding a whole text equals folding it character by character and every case
 * variant of a string folds alike.
 */
const caseFold = (t: string) => t.toLowerCase().toUpperCase().toLowerCase().replace(/ς/g, 'σ');

/**
 * A decoded reading of a text: each code unit of `text` came from the original span
 * [from[i], to[i]). Textual views are case-folded with `+` read as a space (form encoding); binary
 * views keep case and read base64url's `-`/`_` as base64's `+`/`/`.
 */
interface View {
  text: string;
  from: number[];
  to: number[];
}

const ENTITY = /&(?:#0*(\d{1,7})|#[xX]0*([0-9a-fA-F]{1,6})|([A-Za-z][A-Za-z0-9]{1,9}));?/y;
const ESCAPE = /\\(?:u([0-9a-fA-F]{4})(?:\\u([dD][c-fC-F][0-9a-fA-F]{2}))?|x([0-9a-fA-F]{2})|([\\/"']))/y;
const PERCENT_BYTE = /%([0-9a-fA-F]{2})/y;

function mapChar(ch: string, binary: boolean): string {
  if (binary) return ch === '-' ? '+' : ch === '_' ? '/' : ch;
  return ch === '+' ? ' ' : caseFold(ch);
}

const fatalUtf8 = new TextDecoder('utf-8', { fatal: true });
/** The bytes as UTF-8, or undefined when they are not valid UTF-8 (a real U+FFFD in a secret stays one). */
function strictUtf8(bytes: number[]): string | undefined {
  try {
    return fatalUtf8.decode(new Uint8Array(bytes));
  } catch {
    return undefined;
  }
}

/** Length of the UTF-8 sequence a lead byte starts (0: not a lead byte). */
const utf8Length = (b: number) => (b < 0x80 ? 1 : b >= 0xc2 && b < 0xe0 ? 2 : b >= 0xe0 && b < 0xf0 ? 3 : b >= 0xf0 && b < 0xf5 ? 4 : 0);

type Decoding = 'percent' | 'entity' | 'escape';
const ALL: ReadonlySet<Decoding> = new Set(['percent', 'entity', 'escape']);

/** One layer of decoding of a view: percent-escapes (as UTF-8), character references, JSON/JS escapes (those in `kinds`). */
function decodeLayer(v: View, binary: boolean, kinds: ReadonlySet<Decoding> = ALL): View {
  const t = v.text;
  const out: View = { text: '', from: [], to: [] };
  const parts: string[] = [];
  const push = (decoded: string, a: number, b: number) => {
    const mapped = mapChar(decoded, binary);
    parts.push(mapped);
    for (let k = 0; k < mapped.length; k++) {
      out.from.push(v.from[a]!);
      out.to.push(v.to[b - 1]!);
    }
  };
  let i = 0;
  while (i < t.length) {
    const c = t[i]!;
    if (c === '%' && kinds.has('percent')) {
      // A run of %XX: bytes decoded as UTF-8, each character spanning the escapes of its bytes.
      const bytes: number[] = [];
      const starts: number[] = [];
      let j = i;
      for (;;) {
        PERCENT_BYTE.lastIndex = j;
        const m = PERCENT_BYTE.exec(t);
        if (!m) break;
        bytes.push(parseInt(m[1]!, 16));
        starts.push(j);
        j += 3;
      }
      if (bytes.length > 0) {
        let k = 0;
        while (k < bytes.length) {
          const len = utf8Length(bytes[k]!);
          const seq = len > 0 && k + len <= bytes.length ? strictUtf8(bytes.slice(k, k + len)) : undefined;
          const ok = seq !== undefined;
          const n = ok ? len : 1;
          push(ok ? seq! : String.fromCharCode(bytes[k]!), starts[k]!, starts[k + n - 1]! + 3);
          k += n;
        }
        i = j;
        continue;
      }
    } else if (c === '&' && kinds.has('entity')) {
      ENTITY.lastIndex = i;
      const m = ENTITY.exec(t);
      if (m) {
        const [whole, dec, hex, name] = m;
        const cp = dec !== undefined ? Number(dec) : hex !== undefined ? parseInt(hex, 16) : undefined;
        const ch = cp !== undefined ? (cp <= 0x10ffff ? String.fromCodePoint(cp) : undefined) : (NAMED_ENTITIES[name!] ?? NAMED_ENTITIES[name!.toLowerCase()]);
        if (ch !== undefined) {
          push(ch, i, i + whole.length);
          i += whole.length;
          continue;
        }
      }
    } else if (c === '\\' && kinds.has('escape')) {
      ESCAPE.lastIndex = i;
      const m = ESCAPE.exec(t);
      if (m) {
        const [whole, u, low, x, plain] = m;
        const ch = u !== undefined ? String.fromCharCode(parseInt(u, 16)) + (low !== undefined ? String.fromCharCode(parseInt(low, 16)) : '') : x !== undefined ? String.fromCharCode(parseInt(x, 16)) : plain!;
        push(ch, i, i + whole.length);
        i += whole.length;
        continue;
      }
    }
    const width = codePointWidth(t, i);
    push(t.slice(i, i + width), i, i + width);
    i += width;
  }
  out.text = parts.join('');
  return out;
}

/** 2 at a surrogate pair (one character, case-folded as one), else 1. */
const codePointWidth = (t: string, i: number) => (t.charCodeAt(i) >= 0xd800 && t.charCodeAt(i) < 0xdc00 && t.charCodeAt(i + 1) >= 0xdc00 && t.charCodeAt(i + 1) < 0xe000 ? 2 : 1);

/**
 * The views of a text: as written; each decoding alone (a `\` or `&` that belongs to the secret is
 * then not taken for an escape of another kind), percent-decoding twice (double encoding); and all
 * decodings together, up to three layers (mixed and layered encodings, double `&amp;lt;` or `\\u00e9`
 * included: those layers run whatever kinds are present).
 */
function views(text: string, binary: boolean): View[] {
  const identity: View = { text, from: [], to: [] };
  for (let i = 0; i < text.length; i++) {
    identity.from.push(i);
    identity.to.push(i + 1);
  }
  // Layer 0 is the text itself, read the textual or the binary way; layers 1–3 decode escapes.
  const raw = binary && !/[-_]/.test(text) ? identity : mapView(identity, binary);
  const out = [raw];
  const present = (['percent', 'entity', 'escape'] as const).filter((k) => text.includes(k === 'percent' ? '%' : k === 'entity' ? '&' : '\\'));
  if (present.length === 0) return out;
  for (const kind of present) {
    const once = decodeLayer(raw, binary, new Set([kind]));
    out.push(once);
    if (kind === 'percent') out.push(decodeLayer(once, binary, new Set([kind])));
  }
  let cur = raw;
  for (let layer = 0; layer < 3; layer++) {
    const next = decodeLayer(cur, binary);
    if (next.text === cur.text) break;
    out.push(next);
    cur = next;
  }
  return out;
}

/** A view with each character mapped (case fold or base64 alphabet), spans kept. */
function mapView(v: View, binary: boolean): View {
  const out: View = { text: '', from: [], to: [] };
  const parts: string[] = [];
  for (let i = 0; i < v.text.length; ) {
    const width = codePointWidth(v.text, i);
    const mapped = mapChar(v.text.slice(i, i + width), binary);
    parts.push(mapped);
    for (let k = 0; k < mapped.length; k++) {
      out.from.push(v.from[i]!);
      out.to.push(v.to[i + width - 1]!);
    }
    i += width;
  }
  out.text = parts.join('');
  return out;
}

/** The texts of the views, for detection: the common text (no escapes) is read in bulk, without spans. */
function viewTexts(text: string, binary: boolean): string[] {
  if (/[%&\\]/.test(text)) return views(text, binary).map((v) => v.text);
  return [binary ? text.replace(/-/g, '+').replace(/_/g, '/') : caseFold(text).replace(/\+/g, ' ')];
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

function uriEncode(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value; // a lone surrogate cannot have travelled percent-encoded
  }
}

/** application/x-www-form-urlencoded (WHATWG): encodeURIComponent, plus `!'()~` encoded and `+` for space. */
function formEncode(value: string): string {
  return uriEncode(value)
    .replace(/[!'()~]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)
    .replace(/%20/g, '+');
}

/** One known secret: what a view of a text is searched for, each form computed on first need. */
class Known {
  private textualTargets?: string[];
  private byteVariants?: string[];
  private latin1Variants?: string[];
  private cores?: string[];
  private fingerprinted?: string;
  constructor(readonly value: string) {}

  get fp(): string {
    return (this.fingerprinted ??= fingerprint(this.value)!);
  }

  /** The secret case-folded as written and as each decoding layer reads it (a raw copy of a secret that itself contains escapes), and its hex. */
  textual(): string[] {
    if (!this.textualTargets) {
      const textual = new Set(viewTexts(this.value, false));
      textual.add(Buffer.from(this.value, 'utf8').toString('hex'));
      this.textualTargets = [...textual].filter((x) => x.length >= MIN_SECRET_LENGTH);
    }
    return this.textualTargets;
  }

  /** The strings whose bytes a base64 copy may hold: the secret raw, form-encoded, percent-encoded (a Basic header). */
  variants(): string[] {
    return (this.byteVariants ??= [...new Set([this.value, formEncode(this.value), uriEncode(this.value)])]);
  }

  /** Those variants' UTF-8 bytes as latin1 strings, to compare with decoded base64. */
  variantBytes(): string[] {
    return (this.latin1Variants ??= this.variants().map((v) => Buffer.from(v, 'utf8').toString('latin1')).filter((v) => v.length >= MIN_SECRET_LENGTH));
  }

  /** The base64 those bytes fix at each alignment, for locating a copy inside a longer base64 string. */
  binary(): string[] {
    return (this.cores ??= [...new Set(this.variants().flatMap((v) => base64Cores(Buffer.from(v, 'utf8'))))]);
  }
}

interface Hit {
  from: number;
  to: number;
  known: Known;
}

/**
 * Whether a run of base64 characters looks like encoded bytes rather than a word: base64 of four or
 * more bytes (six characters or more) mixes at least two of lower case, upper case, digits and
 * `+`/`/`; a secret whose base64 is one class only is vanishingly rare, a word like "exchanged" is.
 */
const mixed = (run: string) => [/[a-z]/, /[A-Z]/, /[0-9]/, /[+/]/].filter((c) => c.test(run)).length >= 2;

/** Runs that may be base64 (either alphabet), each decoded at the four character alignments, as bytes (latin1). */
function base64Readings(text: string): string[] {
  const out: string[] = [];
  for (const view of viewTexts(text, true)) {
    for (const run of view.match(/[A-Za-z0-9+/]{6,}={0,2}/g) ?? []) {
      if (!mixed(run)) continue;
      for (let shift = 0; shift < 4 && run.length - shift >= 6; shift++) out.push(Buffer.from(run.slice(shift), 'base64').toString('latin1'));
    }
  }
  return out;
}

/**
 * Whether any of the secrets has a copy in the text (no spans: the fast path of every string).
 * Base64 is decoded rather than searched for per-secret cores, so the common text (no base64) costs
 * no per-secret base64 work at all.
 */
function detect(list: readonly Known[], text: string): boolean {
  const textual = viewTexts(text, false);
  if (list.some((k) => k.textual().some((target) => textual.some((v) => v.includes(target))))) return true;
  const decoded = base64Readings(text);
  return decoded.length > 0 && list.some((k) => k.variantBytes().some((v) => decoded.some((d) => d.includes(v))));
}

/** Every copy of every secret in the text, as spans of the original text. */
function find(list: readonly Known[], text: string): Hit[] {
  const hits: Hit[] = [];
  const search = (vs: View[], targetsOf: (k: Known) => string[]) => {
    for (const v of vs) {
      for (const k of list) {
        for (const target of targetsOf(k)) {
          for (let at = v.text.indexOf(target); at >= 0; at = v.text.indexOf(target, at + 1)) {
            hits.push({ from: v.from[at]!, to: v.to[at + target.length - 1]!, known: k });
          }
        }
      }
    }
  };
  search(views(text, false), (k) => k.textual());
  search(views(text, true), (k) => k.binary());
  return hits;
}

/** The text with each hit's span (overlapping spans merged) replaced by the fingerprint of its secret. */
function cut(text: string, hits: Hit[]): string {
  const sorted = [...hits].sort((a, b) => a.from - b.from || b.to - a.to);
  const parts: string[] = [];
  let pos = 0;
  let i = 0;
  while (i < sorted.length) {
    const start = sorted[i]!.from;
    let end = sorted[i]!.to;
    const known = sorted[i]!.known;
    while (i + 1 < sorted.length && sorted[i + 1]!.from < end) end = Math.max(end, sorted[++i]!.to);
    if (start >= pos) {
      parts.push(text.slice(pos, start), known.fp);
      pos = end;
    } else if (end > pos) {
      pos = end;
    }
    i += 1;
  }
  parts.push(text.slice(pos));
  return parts.join('');
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

  /** Longest first: a secret that contains another (a Basic header, a JWT) is named by its own fingerprint. */
  private list(): Known[] {
    return (this.ordered ??= [...this.known.values()].sort((a, b) => b.value.length - a.value.length));
  }

  /**
   * Whether the text holds a copy of any of the secrets, in any encoding. Any length: a text shorter
   * than a secret can still hold a case variant of it (`ẞẞ` is `SSSS`, `ﬀﬀ` is `FFFF`).
   */
  holdsSecret(text: string): boolean {
    return this.known.size > 0 && detect(this.list(), text);
  }

  /** The text with every copy of every secret replaced by its fingerprint, or WITHHELD. */
  scrub(text: string): string {
    if (!this.holdsSecret(text)) return text;
    const out = cut(text, find(this.list(), text));
    return this.holdsSecret(out) ? WITHHELD : out;
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

/**
 * Strict `application/x-www-form-urlencoded` parsing (WHATWG URL "application/x-www-form-urlencoded
 * parser", RFC 6749 Appendix B), with the failures a token endpoint must report instead of guess:
 * malformed percent-escapes and byte sequences that are not UTF-8. URLSearchParams silently
 * replaces both with U+FFFD, which would forward a corrupted code to the provider.
 */
import { parameterName } from './log-values';

export class FormParseError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FormParseError';
  }
}

export interface ParsedForm {
  /** First value of every parameter, in order of appearance. */
  readonly params: ReadonlyMap<string, string>;
  /** Names that appeared more than once (RFC 6749 §3.2: parameters MUST NOT be included more than once). */
  readonly repeated: readonly string[];
}

const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });
const PLUS = 0x2b;
const PERCENT = 0x25;

function hexValue(byte: number): number {
  if (byte >= 0x30 && byte <= 0x39) return byte - 0x30;
  if (byte >= 0x41 && byte <= 0x46) return byte - 0x37;
  if (byte >= 0x61 && byte <= 0x66) return byte - 0x57;
  return -1;
}

/** Decodes one form-encoded name or value: `+` → space, `%XX` → byte, then strict UTF-8. */
export function decodeFormComponent(bytes: Uint8Array, what = 'value'): string {
  const out = new Uint8Array(bytes.length);
  let n = 0;
  for (let i = 0; i < bytes.length; i++) {
    const b = bytes[i]!;
    if (b === PLUS) {
      out[n++] = 0x20;
    } else if (b === PERCENT) {
      if (i + 2 >= bytes.length) throw new FormParseError(`truncated percent-escape in ${what}`);
      const hi = hexValue(bytes[i + 1]!);
      const lo = hexValue(bytes[i + 2]!);
      if (hi < 0 || lo < 0) throw new FormParseError(`malformed percent-escape in ${what}`);
      out[n++] = hi * 16 + lo;
      i += 2;
    } else {
      out[n++] = b;
    }
  }
  try {
    return utf8.decode(out.subarray(0, n));
  } catch {
    throw new FormParseError(`${what} is not valid UTF-8`);
  }
}

/** Encodes a string as a form component (RFC 6749 Appendix B, i.e. the WHATWG serializer). */
export function encodeFormComponent(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}

/** Serialises parameters as an `application/x-www-form-urlencoded` body. */
export function encodeForm(params: Iterable<readonly [string, string]>): string {
  const out: string[] = [];
  for (const [k, v] of params) out.push(`${encodeFormComponent(k)}=${encodeFormComponent(v)}`);
  return out.join('&');
}

export function parseForm(body: Uint8Array | string): ParsedForm {
  const bytes = typeof body === 'string' ? new TextEncoder().encode(body) : body;
  const params = new Map<string, string>();
  const repeated = new Set<string>();
  let start = 0;
  while (start <= bytes.length) {
    let end = bytes.indexOf(0x26 /* & */, start);
    if (end === -1) end = bytes.length;
    if (end > start) {
      const seq = bytes.subarray(start, end);
      const eq = seq.indexOf(0x3d /* = */);
      const rawName = eq === -1 ? seq : seq.subarray(0, eq);
      const rawValue = eq === -1 ? new Uint8Array(0) : seq.subarray(eq + 1);
      const name = decodeFormComponent(rawName, 'parameter name');
      // The name is echoed in errors only when it is a registered parameter name (log-values.ts).
      const value = decodeFormComponent(rawValue, `value of "${parameterName(name)}"`);
      if (params.has(name)) repeated.add(name);
      else params.set(name, value);
    }
    start = end + 1;
  }
  return { params, repeated: [...repeated] };
}

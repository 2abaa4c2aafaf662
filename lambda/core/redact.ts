import { fingerprint } from './fingerprint';
import { encodeFormComponent } from './form';

/**
 * Replaces every occurrence of the given secrets in a provider-supplied text with their
 * fingerprints. Provider error descriptions sometimes echo what they were sent, raw or as it
 * travelled: form-encoded (the request body) or percent-encoded (a URL).
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (!secret || secret.length < 4) continue;
    const fp = fingerprint(secret)!;
    for (const form of new Set([secret, encodeFormComponent(secret), uriEncoded(secret)])) out = out.split(form).join(fp);
  }
  return out;
}

/** encodeURIComponent throws on lone surrogates; such a string cannot have travelled percent-encoded anyway. */
function uriEncoded(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value;
  }
}

/** Shortens a provider-supplied text for a log record or an error_description. */
export function clip(text: string, max = 200): string {
  // Control characters would let a provider forge log lines; drop them.
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

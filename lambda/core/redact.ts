import { fingerprint } from './fingerprint';

/**
 * Replaces every occurrence of the given secrets in a provider-supplied text with their
 * fingerprints. Provider error descriptions sometimes echo what they were sent.
 */
export function redact(text: string, secrets: readonly (string | undefined)[]): string {
  let out = text;
  for (const secret of secrets) {
    if (secret && secret.length >= 4) out = out.split(secret).join(fingerprint(secret)!);
  }
  return out;
}

/** Shortens a provider-supplied text for a log record or an error_description. */
export function clip(text: string, max = 200): string {
  // Control characters would let a provider forge log lines; drop them.
  // eslint-disable-next-line no-control-regex
  const clean = text.replace(/[\u0000-\u001f\u007f]+/g, ' ');
  return clean.length > max ? `${clean.slice(0, max - 1)}…` : clean;
}

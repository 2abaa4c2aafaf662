/** Every form a secret could take on its way into a log: raw, form- and percent-encoded, base64 (padded or not), base64url, JSON-escaped. */
export function encodedForms(secret: string): string[] {
  const b64 = Buffer.from(secret, 'utf8').toString('base64');
  return [
    secret,
    new URLSearchParams({ v: secret }).toString().slice(2),
    encodeURIComponent(secret),
    b64,
    b64.replace(/=+$/, ''),
    Buffer.from(secret, 'utf8').toString('base64url'),
    JSON.stringify(secret).slice(1, -1),
  ];
}

/** One scripted answer of a fake provider's token endpoint, shared by the scenario runners. */
import type { ServerResponse } from 'node:http';

export type ProviderAnswer =
  | { status: number; json: Record<string, unknown> }
  | { status: number; form: Record<string, string> }
  | { status: number; text: string; contentType: string }
  | { hang: true };

export function answer(res: ServerResponse, a: ProviderAnswer): void {
  if ('hang' in a) return; // never answers; the adapter's budget must cut it off
  if ('json' in a) {
    res.writeHead(a.status, { 'content-type': 'application/json', 'cache-control': 'no-store' });
    res.end(JSON.stringify(a.json));
  } else if ('form' in a) {
    res.writeHead(a.status, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
    res.end(new URLSearchParams(a.form).toString());
  } else {
    res.writeHead(a.status, { 'content-type': a.contentType });
    res.end(a.text);
  }
}

/**
 * An upstream token endpoint that misbehaves in the way a test picks (`fake.mode = ...`):
 * hangs, resets the connection, answers 5xx, an HTML login page, broken JSON, a huge body, a
 * redirect, a bare 401, a 201 success, or a success after a delay. Records every request.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { sendJson, startFakeServer, type FakeServer, type ReceivedRequest } from './fake-server';

export type MisbehaviourMode =
  | { kind: 'hang' }
  | { kind: 'reset' }
  | { kind: 'status'; status: number; body?: string; contentType?: string }
  | { kind: 'html' }
  | { kind: 'invalid_json' }
  /** `declared`: with Content-Length (refused before reading); `chunked`: streamed without one. */
  | { kind: 'huge'; framing: 'declared' | 'chunked'; bytes?: number }
  | { kind: 'redirect'; location: string }
  | { kind: 'created' }
  | { kind: 'slow'; delayMs: number }
  | { kind: 'ok' };

export interface FakeMisbehaving extends FakeServer {
  mode: MisbehaviourMode;
  /** Copy the request's code / refresh token into every body it answers (canary tests: must not reach the log). */
  echoRequest: boolean;
  /** Tokens answered by the success modes (ok, created, slow). */
  tokens: { access_token: string; refresh_token: string };
}

export const HUGE_DEFAULT_BYTES = 300 * 1024;

export async function startFakeMisbehaving(): Promise<FakeMisbehaving> {
  let self!: FakeMisbehaving;
  const echoOf = (req: ReceivedRequest) => (self.echoRequest ? ` code=${req.body['code'] ?? ''} refresh_token=${req.body['refresh_token'] ?? ''}` : '');
  const server = await startFakeServer(async (req, res, raw) => {
    const mode = self.mode;
    switch (mode.kind) {
      case 'hang':
        // Never answer; the socket stays open until the client gives up or the server closes.
        return;
      case 'reset':
        raw.socket.resetAndDestroy();
        return;
      case 'status':
        res.writeHead(mode.status, mode.contentType ? { 'content-type': mode.contentType } : {});
        res.end(mode.body ?? '');
        return;
      case 'html':
        res.writeHead(200, { 'content-type': 'text/html; charset=utf-8' });
        res.end(`<!DOCTYPE html>\n<html><head><title>Sign in</title></head><body><form method="post" action="/login"><input name="user"><input type="password" name="password"></form><!--${echoOf(req)}--></body></html>`);
        return;
      case 'invalid_json':
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(`{"access_token": "${self.tokens.access_token}", "token_type": "Bearer",${echoOf(req)}`);
        return;
      case 'huge': {
        const total = mode.bytes ?? HUGE_DEFAULT_BYTES;
        const filler = `{"access_token":"${self.tokens.access_token}","padding":"${'x'.repeat(Math.max(0, total - 60))}${echoOf(req)}"}`;
        if (mode.framing === 'declared') {
          res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(filler)) });
          res.end(filler);
        } else {
          res.writeHead(200, { 'content-type': 'application/json' });
          // Stream it in pieces so no Content-Length is sent.
          for (let i = 0; i < filler.length; i += 16 * 1024) {
            if (!res.write(filler.slice(i, i + 16 * 1024))) await new Promise((r) => res.once('drain', r));
            if (res.destroyed) return;
          }
          res.end();
        }
        return;
      }
      case 'redirect':
        res.writeHead(302, { location: mode.location, 'content-type': 'text/html' });
        res.end(`<a href="${mode.location}">Found</a>`);
        return;
      case 'created':
        sendJson(res, 201, { ...self.tokens, token_type: 'Bearer', expires_in: 3600 });
        return;
      case 'slow':
        await sleep(mode.delayMs);
        if (!res.destroyed) sendJson(res, 200, { ...self.tokens, token_type: 'Bearer', expires_in: 3600 });
        return;
      case 'ok':
        sendJson(res, 200, { ...self.tokens, token_type: 'Bearer', expires_in: 3600 });
        return;
    }
  });
  self = Object.assign(server, {
    mode: { kind: 'ok' } as MisbehaviourMode,
    echoRequest: false,
    tokens: { access_token: 'misbehaving-at-1', refresh_token: 'misbehaving-rt-1' },
  });
  return self;
}

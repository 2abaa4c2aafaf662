/**
 * One fake token endpoint per behaviour row: checks client authentication the way the provider
 * requires it (Apple: verifies the client-secret JWT with jose, independently of the adapter's
 * minting code), keeps codes single-use and refresh tokens per the row's rotation, and answers with
 * the row's documented bodies and statuses.
 */
import type { ServerResponse } from 'node:http';
import { importSPKI, jwtVerify } from 'jose';
import { startFakeServer, type FakeServer, type ReceivedRequest } from '../support/fake-server';
import type { ErrorCase, Minted, ProviderBehaviour } from './behaviours';

export const GOOD_CODE = 'good-code';

export interface AppleVerification {
  publicKeyPem: string;
  teamId: string;
  keyId: string;
}

export interface FakeProvider extends FakeServer {
  /** Claims of the last verified Apple client secret. */
  lastAppleClaims?: Record<string, unknown>;
  /** Refresh tokens currently valid. */
  validRefreshTokens: Set<string>;
}

function answer(res: ServerResponse, status: number, body: Record<string, unknown>, asForm: boolean): void {
  if (asForm) {
    const form = new URLSearchParams(Object.entries(body).map(([k, v]) => [k, typeof v === 'string' ? v : JSON.stringify(v)])).toString();
    res.writeHead(status, { 'content-type': 'application/x-www-form-urlencoded; charset=utf-8' });
    res.end(form);
    return;
  }
  res.writeHead(status, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' });
  res.end(JSON.stringify(body));
}

export async function startFakeProvider(b: ProviderBehaviour, creds: { clientId: string; clientSecret: string }, apple?: AppleVerification): Promise<FakeProvider> {
  const usedCodes = new Set<string>();
  const validRefreshTokens = new Set<string>();
  let n = 0;
  const mint = (): Minted => {
    n += 1;
    return { at: `at-${b.profile}-${n}`, rt: `rt-${b.profile}-${n}`, nowS: Math.floor(Date.now() / 1000) };
  };
  const state: { lastAppleClaims?: Record<string, unknown> } = {};

  async function clientOk(req: ReceivedRequest): Promise<boolean> {
    const hasAuthHeader = req.headers['authorization'] !== undefined;
    switch (b.auth) {
      case 'basic':
        return req.basic?.clientId === creds.clientId && req.basic.clientSecret === creds.clientSecret && req.body['client_secret'] === undefined;
      case 'body':
        return !hasAuthHeader && req.body['client_id'] === creds.clientId && req.body['client_secret'] === creds.clientSecret;
      case 'none':
        return !hasAuthHeader && req.body['client_id'] === creds.clientId && req.body['client_secret'] === undefined;
      case 'apple_jwt': {
        if (hasAuthHeader || req.body['client_id'] !== creds.clientId || !apple) return false;
        try {
          const key = await importSPKI(apple.publicKeyPem, 'ES256');
          const { payload, protectedHeader } = await jwtVerify(req.body['client_secret'] ?? '', key, {
            algorithms: ['ES256'],
            issuer: apple.teamId,
            audience: 'https://appleid.apple.com',
            subject: creds.clientId,
          });
          if (protectedHeader.kid !== apple.keyId) return false;
          if (typeof payload.exp !== 'number' || typeof payload.iat !== 'number' || payload.exp - payload.iat > 15_777_000) return false;
          state.lastAppleClaims = { ...payload, kid: protectedHeader.kid };
          return true;
        } catch {
          return false;
        }
      }
    }
  }

  const sendError = (res: ServerResponse, e: ErrorCase) => answer(res, e.status, e.body, false);

  const server = await startFakeServer(async (req, res) => {
    const asForm = b.formUnlessAcceptJson === true && !(req.headers['accept'] ?? '').includes('application/json');
    const p = req.bodyEncoding === 'json' || req.bodyEncoding === 'form' ? req.body : {};
    if (req.method !== 'POST' || req.bodyEncoding !== b.encoding) {
      answer(res, 400, { error: 'invalid_request', error_description: `expected a ${b.encoding} POST` }, asForm);
      return;
    }
    for (const [k, v] of Object.entries(b.extraParams ?? {})) {
      if (p[k] !== v) {
        // Withings without action=requesttoken: an error, not tokens.
        answer(res, 200, { status: 503, body: {}, error: `Invalid Params: missing ${k}` }, asForm);
        return;
      }
    }
    if (!(await clientOk(req))) {
      sendError(res, b.badClient);
      return;
    }
    if (p['grant_type'] === 'authorization_code') {
      const code = p['code'] ?? '';
      const more = b.more?.[code];
      if (more) {
        if ('body' in more) sendError(res, more);
        else {
          const t = mint();
          validRefreshTokens.add(t.rt);
          answer(res, more.status ?? 200, more.answer(t), asForm);
        }
        return;
      }
      if (code !== GOOD_CODE || usedCodes.has(code)) {
        sendError(res, b.badCode);
        return;
      }
      usedCodes.add(code);
      const t = mint();
      validRefreshTokens.add(t.rt);
      answer(res, b.code.status ?? 200, b.code.answer(t), asForm);
      return;
    }
    if (p['grant_type'] === 'refresh_token' && b.refresh && b.badRefresh) {
      const presented = p['refresh_token'] ?? '';
      if (!validRefreshTokens.has(presented)) {
        sendError(res, b.badRefresh);
        return;
      }
      const t = mint();
      if (b.refresh.rotation === 'single_use') validRefreshTokens.delete(presented);
      if (b.refresh.rotation !== 'none') validRefreshTokens.add(t.rt);
      answer(res, 200, b.refresh.answer(t), asForm);
      return;
    }
    answer(res, 400, { error: 'unsupported_grant_type' }, asForm);
  });
  const provider = Object.assign(server, { validRefreshTokens }) as FakeProvider;
  Object.defineProperty(provider, 'lastAppleClaims', { get: () => state.lastAppleClaims });
  return provider;
}

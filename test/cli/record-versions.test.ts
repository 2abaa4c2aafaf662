/**
 * The CLI reads both record versions (lambda/contract/record.ts): v1 records, as adapters before the
 * compact record wrote them (lines kept verbatim), still diagnose with their cause and fix; and a v2
 * record reads back to what v1 said of the same exchange (every field, every verdict's text).
 */
import { describe, expect, it } from 'vitest';
import { parseRecordLine } from '../../cli/records';
import { diagnose } from '../../cli/rules';
import { groupTimelines } from '../../cli/timeline';
import { compactRecord, expandRecord } from '../../lambda/contract/record';

/** Written by v1 (868d06a) for a GitHub code exchange and a refused refresh of the same client. */
const V1_SUCCESS =
  '{"type":"alexa-link-adapter.exchange","v":1,"time":"2026-11-25T15:13:48.209Z","requestId":"436c86d9-e9d7-416a-bd34-be168e7a5b0b","fpKey":"k:86d9b724","route":"POST /token","method":"POST","path":"/token","provider":"github","grantType":"authorization_code","clientAuth":"basic","clientIdFp":"fp:7ad43f05d119","upstream":{"url":"https://github.com/login/oauth/access_token","method":"POST","clientAuth":"body","outcome":"answered","latencyMs":18,"status":200,"contentType":"application/json","bytes":81,"format":"json"},"tokens":{"codeFp":"fp:e2e6d0a51767","codeVerifierPresent":false,"accessTokenFp":"fp:78664ce7db50","tokenType":"bearer","scope":"repo read:user","idTokenPresent":false},"translated":["token_type bearer → Bearer","scope comma → space"],"response":{"status":200},"outcome":"success","timing":{"totalMs":28,"upstreamMs":18,"ownMs":10,"deadlineMs":4250},"verdicts":[{"code":"no_expires_in","severity":"info","message":"the provider sent no expires_in: Alexa will use the console\'s \\"Default Access Token Expiration Time\\""},{"code":"no_refresh_token","severity":"warn","message":"no refresh_token: the link breaks when the access token expires. Fix: GitHub OAuth App tokens do not expire and come without a refresh token: set the console\'s \\"Default Access Token Expiration Time\\" to a long value (e.g. 31536000), or use a GitHub App with expiring user tokens"},{"code":"alexa_auth_basic","severity":"info","message":"Alexa authenticated with HTTP Basic (\\"HTTP Basic (Recommended)\\")"}]}';
const V1_CLIENT_REJECTED =
  '{"type":"alexa-link-adapter.exchange","v":1,"time":"2026-11-25T15:20:00.000Z","requestId":"5f1c0a51-0000-4000-8000-000000000001","fpKey":"k:86d9b724","route":"POST /token","method":"POST","path":"/token","provider":"github","grantType":"authorization_code","clientAuth":"basic","clientIdFp":"fp:7ad43f05d119","upstream":{"url":"https://github.com/login/oauth/access_token","method":"POST","clientAuth":"body","outcome":"answered","latencyMs":40,"status":200,"contentType":"application/json","bytes":120,"format":"json"},"tokens":{"codeFp":"fp:0a0b0c0d0e0f","codeVerifierPresent":false},"translated":["status 200 → 401 (error body)"],"response":{"status":401,"error":"invalid_client","errorDescription":"The client_id and/or client_secret passed are incorrect."},"outcome":"provider_error","timing":{"totalMs":45,"upstreamMs":40,"ownMs":5,"deadlineMs":4250},"verdicts":[{"code":"error_in_success_status","severity":"info","message":"the provider answered HTTP 200 with an error body (incorrect_client_credentials); translated to an RFC 6749 §5.2 error so Alexa sees the failure"},{"code":"client_rejected","severity":"error","message":"provider rejected the client (invalid_client: The client_id and/or client_secret passed are incorrect.): check the Client ID and Client Secret in the Alexa console, and the client-authentication method the provider expects"},{"code":"alexa_auth_basic","severity":"info","message":"Alexa authenticated with HTTP Basic (\\"HTTP Basic (Recommended)\\")"}]}';

describe('record versions', () => {
  it('a v1 record is read as written: its messages, its fields', () => {
    const r = parseRecordLine(V1_SUCCESS)!;
    expect(r.v).toBe(1);
    expect(r.verdicts.map((v) => [v.code, v.severity])).toEqual([['no_expires_in', 'info'], ['no_refresh_token', 'warn'], ['alexa_auth_basic', 'info']]);
    expect(r.verdicts[1]!.message).toContain('Default Access Token Expiration Time');
    expect(r).toMatchObject({ method: 'POST', path: '/token', upstream: { outcome: 'answered', status: 200 }, response: { status: 200 }, timing: { totalMs: 28, upstreamMs: 18, ownMs: 10 } });
  });

  it('v1 records still diagnose: the rejected client is named, with its cause and fix', () => {
    const d = diagnose(groupTimelines([V1_SUCCESS, V1_CLIENT_REJECTED].map((l) => parseRecordLine(l)!)));
    const finding = d.findings.find((f) => f.codes.includes('client_rejected'));
    expect(finding, JSON.stringify(d.findings.map((f) => f.rule))).toBeDefined();
    expect(finding!.cause.length).toBeGreaterThan(40);
    expect(finding!.fix).toMatch(/Client (ID|Secret)|client secret|Secret/i);
  });

  it('the v1 success, written compact, reads back to what v1 said (fields and verdict texts)', () => {
    const v1 = JSON.parse(V1_SUCCESS) as Record<string, unknown> & { verdicts: { code: string; severity: string; message: string }[] };
    // What the v2 handler holds before the gate: v1's fields, its verdicts compact (lambda/core/translate.ts).
    const held = { ...v1, v: 2, verdicts: [{ code: 'no_expires_in' }, { code: 'no_refresh_token', severity: 'warn' }, { code: 'alexa_auth_basic' }] };
    const written = compactRecord(held as never) as unknown as Record<string, unknown>;
    expect(Buffer.byteLength(JSON.stringify(written))).toBeLessThan(Buffer.byteLength(V1_SUCCESS) / 2);
    expect(written).not.toHaveProperty('method');
    expect(written).not.toHaveProperty('response');
    const read = parseRecordLine(JSON.stringify(written))!;
    const { v: _v1, verdicts: v1Verdicts, ...v1Fields } = v1;
    const { v: _v2, verdicts: readVerdicts, ...readFields } = read as unknown as typeof v1;
    expect(readFields).toEqual(v1Fields);
    expect(readVerdicts).toEqual(v1Verdicts);
    // Reading is idempotent: a record read twice says the same.
    expect(expandRecord(expandRecord(written))).toEqual(expandRecord(written));
  });
});

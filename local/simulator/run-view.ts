/**
 * What the simulator page shows for one link: each step with its request, answer, Alexa's checks
 * (cli/link-checks.ts), the exchange-log verdicts of its records and `diagnose`'s findings for the
 * link (cli/rules.ts over cli/timeline.ts, the same code as `npx alexa-link-adapter diagnose`).
 * Pure: a function of the link and the records local mode wrote.
 */
import type { Shown } from '../../cli/alexa-client';
import { directAnswerCheck, providerAnswerCheck, returnChecks, tokenLegChecks, type LinkCheck } from '../../cli/link-checks';
import { num, str, timeMs, type LoggedVerdict, type LogRecord } from '../../cli/records';
import { diagnose, type Finding } from '../../cli/rules';
import { groupTimelines } from '../../cli/timeline';
import type { SimulatedLink } from './link-run';
import { presetById, type StepId } from './presets';

export type StepStatus = 'pass' | 'fail' | 'repaired' | 'pending' | 'skip';

export interface StepView {
  id: StepId;
  title: string;
  status: StepStatus;
  request?: { method: string; url: string; headers?: Shown[]; params: Shown[] };
  answer?: { status?: number; target?: string; contentType?: string; elapsedMs?: number; fields?: Shown[]; note?: string };
  checks: LinkCheck[];
  /** Request ids of the exchange records of this step. */
  records: string[];
  verdicts: (LoggedVerdict & { requestId: string })[];
  findings: Finding[];
}

export interface RunView {
  id: string;
  status: 'waiting' | 'running' | 'done' | 'stopped';
  createdAt: string;
  settings: {
    mode: string;
    authorizeUri: string;
    tokenUri: string;
    redirectUri: string;
    clientId: string;
    clientSecretFp: string;
    scheme: string;
    scope: string;
    pkce: boolean;
    preset?: { id: string; label: string; description: string };
  };
  verdict: { status: 'pass' | 'fail' | 'pending'; text: string };
  steps: StepView[];
  /** The link's exchange records, secret-free, as local mode wrote them. */
  records: LogRecord[];
  /** diagnose over the link: findings to fix, and failures the adapter repaired. */
  findings: Finding[];
  handled: Finding[];
  /** What the sequence picture needs beyond the records (sequence.js). */
  picture: {
    mode: string;
    authorizeSent: boolean;
    returned?: { ok: boolean; label: string };
    probe?: { ok: boolean; label: string };
    /** Per record (request id): whether Alexa's side of that hop passed, and the provider's answer. */
    marks: Record<string, { alexa: 'pass' | 'fail'; provider?: 'pass' | 'fail' | 'repaired' }>;
  };
}

const route = (r: LogRecord) => r.route;

/** The records of this link in local mode's log (authorize, callback, code exchange, refresh, replay). */
export function linkRecords(link: SimulatedLink, all: readonly LogRecord[]) {
  const authorize = all.find((r) => route(r) === 'GET /authorize' && str(r, 'alexaStateFp') === link.stateFp);
  let callback = authorize?.linkId ? all.find((r) => route(r) === 'GET /callback' && r.linkId === authorize.linkId) : undefined;
  if (!callback && authorize && authorize.outcome === 'success') {
    // A callback whose state matched no attempt (changed on the way) cannot name its link; in local
    // mode (one person, one link at a time) it is the first such callback after this /authorize.
    const known = new Set(all.filter((r) => route(r) === 'GET /authorize').map((r) => r.linkId));
    callback = all.find((r) => route(r) === 'GET /callback' && timeMs(r) >= timeMs(authorize) && !known.has(r.linkId));
  }
  const tokens = all.filter((r) => route(r) === 'POST /token');
  const token = link.codeFp ? tokens.find((r) => str(r, 'grantType') === 'authorization_code' && str(r, 'tokens.codeFp') === link.codeFp) : undefined;
  const refreshFp = link.leg.refreshFp;
  const refreshes = refreshFp ? tokens.filter((r) => str(r, 'grantType') === 'refresh_token' && str(r, 'tokens.refreshTokenInFp') === refreshFp) : [];
  return { authorize, callback, token, refresh: refreshes[0], replay: refreshes[1] };
}

const upstreamOf = (r: LogRecord | undefined) =>
  r && str(r, 'upstream.outcome') !== undefined && str(r, 'upstream.outcome') !== 'not_called'
    ? { outcome: str(r, 'upstream.outcome'), status: num(r, 'upstream.status'), format: str(r, 'upstream.format'), latencyMs: num(r, 'upstream.latencyMs') ?? r.timing.upstreamMs }
    : undefined;

function stepStatus(checks: LinkCheck[], records: LogRecord[], findings: Finding[], pending: boolean): StepStatus {
  const alexa = checks.filter((c) => c.id !== 'provider_answer');
  if (alexa.some((c) => c.status === 'fail') || records.some((r) => r.outcome !== 'success')) return 'fail';
  if (checks.some((c) => c.id === 'provider_answer' && c.status === 'fail') || findings.some((f) => f.severity === 'handled')) return 'repaired';
  if (pending) return 'pending';
  if (records.length === 0 && alexa.every((c) => c.status === 'skip')) return 'skip';
  return 'pass';
}

export function buildRunView(link: SimulatedLink, all: readonly LogRecord[]): RunView {
  const recs = linkRecords(link, all);
  const { endpoints: ep, settings } = link;
  const present = [recs.authorize, recs.callback, recs.token, recs.refresh, recs.replay].filter((r): r is LogRecord => r !== undefined);
  const diagnosis = diagnose(groupTimelines(present));
  const allFindings = [...diagnosis.findings, ...diagnosis.handled];
  const findingsOf = (rs: LogRecord[]) => allFindings.filter((f) => f.requestIds.some((id) => rs.some((r) => r.requestId === id)));
  const verdictsOf = (rs: LogRecord[]) => rs.flatMap((r) => r.verdicts.map((v) => ({ ...v, requestId: r.requestId })));

  // Where the browser stopped when it did not come back: an adapter page ends the link.
  const page = [recs.authorize, recs.callback].find((r) => r && str(r, 'response.kind') === 'page');
  const stoppedAt = page ? `the adapter's ${page.route.replace('GET ', '')} answered an error page (${page.verdicts.find((v) => v.severity !== 'info')?.code ?? page.outcome}) instead of sending the browser on` : undefined;
  const status: RunView['status'] = link.status === 'waiting' && page ? 'stopped' : link.status;
  const waiting = status === 'waiting';
  const notSent = link.notSent ?? (status === 'stopped' ? 'Alexa never got a code, so it makes no token request' : undefined);

  const steps: StepView[] = [];
  const add = (id: StepId, title: string, rs: LogRecord[], checks: LinkCheck[], pending: boolean, extra: Partial<StepView>) => {
    const findings = findingsOf(rs);
    steps.push({ id, title, status: stepStatus(checks, rs, findings, pending), checks, records: rs.map((r) => r.requestId), verdicts: verdictsOf(rs), findings, ...extra });
  };

  // 1. Alexa opens the Authorization URI.
  const a = recs.authorize;
  add('authorize', 'Alexa opens the Web Authorization URI', a ? [a] : [], [], !a && waiting, {
    request: { method: 'GET', url: ep.authorizeUri, params: link.authorizeParams().map(([name, value]) => ({ name, value })) },
    answer: a
      ? { status: num(a, 'response.status'), target: str(a, 'response.to') === 'provider' ? "the provider's login page" : str(a, 'response.kind') === 'page' ? 'an error page' : "Alexa's redirect URL", elapsedMs: a.timing.totalMs }
      : { note: ep.mode === 'passthrough' ? "the provider's own login page (the provider writes no exchange record)" : 'no record of /authorize yet' },
  });

  // 2. The provider sends the browser to our /callback (interception mode only).
  if (ep.mode === 'interception') {
    const c = recs.callback;
    add('login', 'The user signs in; the provider sends the browser to /callback', c ? [c] : [], [], !c && waiting, {
      ...(c
        ? {
            request: {
              method: 'GET',
              url: `${new URL(ep.tokenUri).origin}/callback`,
              params: [
                ...(str(c, 'codeFp') ? [{ name: 'code', value: str(c, 'codeFp')!, secret: true as const }] : []),
                ...(str(c, 'providerError') ? [{ name: 'error', value: str(c, 'providerError')! }] : []),
                { name: 'state', value: str(c, 'stateFp') ?? '(none)', secret: true as const },
              ],
            },
            answer: {
              status: num(c, 'response.status'),
              target: str(c, 'response.to') === 'alexa' ? "Alexa's redirect URL" : 'an error page',
              elapsedMs: c.timing.totalMs,
              ...(num(c, 'grantAgeS') !== undefined ? { note: `${num(c, 'grantAgeS')} s after /authorize` } : {}),
            },
          }
        : { answer: { note: waiting ? 'waiting for the browser' : 'the browser never reached /callback' } }),
    });
  }

  // 3. The browser comes back to Alexa.
  const back = link.returnChecks ?? (waiting ? [] : returnChecks({ redirectUri: ep.redirectUri, sentState: link.state, stoppedAt }));
  add('return', "The browser comes back to Alexa's redirect URL", [], back, waiting, {
    ...(link.returned ? { request: { method: 'GET', url: link.returned.url, params: link.returned.params } } : {}),
    answer: link.returned ? { note: `received at ${link.returned.at}` } : { note: waiting ? 'waiting for the browser' : (stoppedAt ?? 'the browser did not come back') },
  });

  // 4–6. The token leg, as Alexa's servers make it.
  const exchangeStep = (id: StepId, title: string, ex: SimulatedLink['leg']['token'], rec: LogRecord | undefined, checks: LinkCheck[], provider: LinkCheck | undefined) => {
    add(id, title, rec ? [rec] : [], provider ? [...checks, provider] : checks, waiting || link.status === 'running', {
      ...(ex
        ? {
            request: ex.request,
            answer: { ...(ex.answer.status !== undefined ? { status: ex.answer.status } : {}), ...(ex.answer.contentType ? { contentType: ex.answer.contentType } : {}), elapsedMs: ex.answer.elapsedMs, fields: ex.answer.fields, ...(ex.answer.problem ? { note: ex.answer.problem } : {}) },
          }
        : {}),
    });
  };
  const up = (r: LogRecord | undefined) => {
    const u = upstreamOf(r);
    return u ? providerAnswerCheck(u) : undefined;
  };
  const { leg } = link;
  const legChecks = tokenLegChecks(leg, notSent);
  exchangeStep('token', 'Alexa exchanges the code at the Access Token URI', leg.token, recs.token, legChecks.token, up(recs.token));
  exchangeStep('refresh', 'Alexa refreshes the access token', leg.refresh, recs.refresh, [legChecks.refresh], up(recs.refresh));
  const replayProvider = leg.direct
    ? directAnswerCheck(leg.direct.answer)
    : recs.replay && str(recs.replay, 'refresh.role') === 'grace'
      ? { id: 'provider_answer' as const, name: "the provider's own answer, judged as Alexa would", status: 'skip' as const, detail: "not asked: the adapter answered from its rotation grace cache" }
      : up(recs.replay);
  exchangeStep('replay', 'Alexa retries the same refresh (a lost answer)', leg.replay, recs.replay, [legChecks.replay], replayProvider);

  const failed = steps.find((s) => s.status === 'fail');
  const verdict: RunView['verdict'] = failed
    ? {
        status: 'fail',
        text: `Linking fails at "${failed.title}": ${[
          failed.checks.find((c) => c.status === 'fail' && c.id !== 'provider_answer')?.name,
          failed.findings.find((f) => f.severity !== 'handled')?.title ?? diagnosis.findings[0]?.title,
        ]
          .filter(Boolean)
          .join(' — ')}`,
      }
    : status === 'waiting' || status === 'running'
      ? { status: 'pending', text: status === 'waiting' ? 'Waiting for the browser to come back to Alexa…' : 'Alexa is exchanging the code…' }
      : {
          status: 'pass',
          text: `Linked: every check Alexa makes passed.${steps.some((s) => s.status === 'repaired') ? ' The adapter repaired what the provider got wrong (marked "repaired").' : ''}`,
        };

  const marks: RunView['picture']['marks'] = {};
  for (const s of steps) {
    for (const id of s.records) {
      const provider = s.checks.find((c) => c.id === 'provider_answer' && c.status !== 'skip');
      const alexaFailed = s.status === 'fail';
      marks[id] = { alexa: alexaFailed ? 'fail' : 'pass', ...(provider ? { provider: provider.status === 'pass' ? 'pass' : alexaFailed ? 'fail' : 'repaired' } : {}) };
    }
  }
  const preset = settings.preset && ep.demoTokenUrl ? presetById(settings.preset) : undefined;
  const returnOk = link.returnChecks?.every((c) => c.status === 'pass');
  return {
    id: link.id,
    status,
    createdAt: link.createdAt,
    settings: {
      mode: ep.mode,
      authorizeUri: ep.authorizeUri,
      tokenUri: ep.tokenUri,
      redirectUri: ep.redirectUri,
      clientId: settings.clientId,
      clientSecretFp: link.clientSecretFp,
      scheme: settings.scheme,
      scope: settings.scope,
      pkce: settings.pkce,
      ...(preset ? { preset: { id: preset.id, label: preset.label, description: preset.description } } : {}),
    },
    verdict,
    steps,
    records: present,
    findings: diagnosis.findings,
    handled: diagnosis.handled,
    picture: {
      mode: ep.mode,
      authorizeSent: true,
      ...(link.returned ? { returned: { ok: returnOk === true, label: returnOk ? 'code, same state' : `${link.returnChecks?.find((c) => c.status === 'fail')?.name ?? 'failed'} ✗` } } : {}),
      ...(leg.direct ? { probe: { ok: directAnswerCheck(leg.direct.answer).status === 'pass', label: `same refresh, no adapter: HTTP ${leg.direct.answer.status ?? '–'}` } } : {}),
      marks,
    },
  };
}

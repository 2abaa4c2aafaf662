// The sequence picture of one link (browser, adapter, provider, Alexa), drawn from the exchange
// records local mode wrote and what the simulator saw on Alexa's side, as an SVG string. A plain ES
// module with no dependencies: the page imports it, the unit tests (test/simulator) import it too.
// Every text that goes into the SVG is escaped here.

export const LANES = ['Browser', 'Adapter', 'Provider', 'Alexa'];

const WIDTH = 480;
const LANE_X = [55, 185, 315, 445];
const TOP = 46;
const ROW = 32;
const COLOURS = { ok: '#1a7f37', fail: '#cf222e', repaired: '#9a6700', probe: '#57606a', pending: '#8c959f' };

/** XML-escapes text for element content and attribute values. */
export function escapeXml(text) {
  return String(text).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

const get = (record, path) => path.split('.').reduce((v, k) => (v !== null && typeof v === 'object' ? v[k] : undefined), record);
const firstProblem = (r) => (r.verdicts || []).find((v) => v.severity !== 'info');

function tokenKind(r, refreshSeen) {
  if (r.grantType === 'refresh_token') return refreshSeen.has(get(r, 'tokens.refreshTokenInFp')) ? 'replay' : 'refresh';
  return r.grantType === 'authorization_code' ? 'code' : (r.grantType || 'token');
}

/**
 * The hops of a link, in order: [{ from, to, label, status: 'ok'|'fail'|'repaired'|'probe', requestId? }].
 * `picture` is the page's run view `picture` (run-view.ts): mode, authorizeSent, returned, probe, marks.
 */
export function hopsFromRecords(records, picture = {}) {
  const marks = picture.marks || {};
  const sorted = [...records].sort((a, b) => String(a.time).localeCompare(String(b.time)));
  const hops = [];
  const hop = (from, to, label, status, requestId) => hops.push({ from, to, label, status, ...(requestId ? { requestId } : {}) });
  const refreshSeen = new Set();
  let returnedShown = false;
  const showReturn = () => {
    if (returnedShown || !picture.returned) return;
    returnedShown = true;
    hop('Browser', 'Alexa', `redirect URL: ${picture.returned.label}`, picture.returned.ok ? 'ok' : 'fail');
  };
  if (picture.mode === 'passthrough' && picture.authorizeSent) {
    hop('Browser', 'Provider', 'GET authorize, sign in', 'ok');
    if (picture.returned) hop('Provider', 'Browser', '302 → Alexa', picture.returned.ok ? 'ok' : 'fail');
    showReturn();
  }
  for (const r of sorted) {
    const id = r.requestId;
    const mark = marks[id] || {};
    const kind = get(r, 'response.kind');
    const status = get(r, 'response.status');
    const problem = firstProblem(r);
    if (r.route === 'GET /authorize') {
      hop('Browser', 'Adapter', 'GET /authorize', 'ok', id);
      if (kind === 'page') hop('Adapter', 'Browser', `${status} page: ${problem ? problem.code : r.outcome}`, 'fail', id);
      else if (get(r, 'response.to') === 'provider') {
        hop('Adapter', 'Browser', '302 → provider login', 'ok', id);
        hop('Browser', 'Provider', 'login page, sign in', 'ok');
      } else hop('Adapter', 'Browser', `302 → Alexa: ${get(r, 'response.error') || 'error'}`, 'fail', id);
    } else if (r.route === 'GET /callback') {
      hop('Provider', 'Browser', '302 → /callback', get(r, 'providerError') ? 'fail' : 'ok');
      hop('Browser', 'Adapter', 'GET /callback', 'ok', id);
      if (kind === 'page') hop('Adapter', 'Browser', `${status} page: ${problem ? problem.code : r.outcome}`, 'fail', id);
      else hop('Adapter', 'Browser', `302 → Alexa${get(r, 'response.error') ? `: ${get(r, 'response.error')}` : ''}`, get(r, 'response.error') ? 'fail' : 'ok', id);
      showReturn();
    } else if (r.route === 'POST /token') {
      showReturn();
      const what = tokenKind(r, refreshSeen);
      if (r.grantType === 'refresh_token') refreshSeen.add(get(r, 'tokens.refreshTokenInFp'));
      hop('Alexa', 'Adapter', `POST /token (${what})`, 'ok', id);
      const upstream = get(r, 'upstream.outcome');
      if (upstream && upstream !== 'not_called') {
        hop('Adapter', 'Provider', 'POST token endpoint', 'ok', id);
        const ms = get(r, 'upstream.latencyMs') ?? get(r, 'timing.upstreamMs');
        const label = upstream === 'answered' ? `HTTP ${get(r, 'upstream.status')} ${get(r, 'upstream.format') || ''} · ${ms} ms` : `${upstream} after ${ms} ms`;
        hop('Provider', 'Adapter', label.replace(/\s+·/, ' ·'), mark.provider === 'fail' ? 'fail' : mark.provider === 'repaired' ? 'repaired' : upstream === 'answered' ? 'ok' : 'fail', id);
      }
      const grace = get(r, 'refresh.role') === 'grace' ? ' (grace cache)' : '';
      const error = get(r, 'response.error');
      const failed = mark.alexa ? mark.alexa === 'fail' : r.outcome !== 'success';
      hop('Adapter', 'Alexa', `${status}${error ? ` ${error}` : ' JSON'}${grace}`, failed ? 'fail' : 'ok', id);
    }
  }
  showReturn();
  if (picture.probe) {
    // What Alexa would get without the adapter: a what-if, so a bad answer here is repaired, not failed.
    hop('Alexa', 'Provider', 'same refresh, no adapter', 'probe');
    hop('Provider', 'Alexa', picture.probe.label, picture.probe.ok ? 'probe' : 'repaired');
  }
  return hops;
}

const clipLabel = (s) => (s.length > 34 ? `${s.slice(0, 33)}…` : s);

/** The SVG of the hops; the first failing hop is marked (✕) and named in the title. */
export function renderSequenceSvg(hops, options = {}) {
  const height = TOP + hops.length * ROW + 16;
  const firstFail = hops.findIndex((h) => h.status === 'fail');
  const title = options.title || 'Sequence of the link';
  const described = hops.map((h, i) => `${i + 1}. ${h.from} to ${h.to}: ${h.label} (${h.status === 'ok' ? 'passed' : h.status === 'probe' ? 'probe' : h.status})`).join('; ');
  const out = [];
  out.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${WIDTH} ${height}" width="100%" role="img" aria-labelledby="seq-title seq-desc" class="sequence" font-family="system-ui, sans-serif" font-size="12">`);
  out.push(`<title id="seq-title">${escapeXml(firstFail >= 0 ? `${title}: fails at hop ${firstFail + 1}, ${hops[firstFail].from} to ${hops[firstFail].to}` : title)}</title>`);
  out.push(`<desc id="seq-desc">${escapeXml(described || 'no hops yet')}</desc>`);
  out.push('<defs>');
  for (const [name, colour] of Object.entries(COLOURS)) out.push(`<marker id="arrow-${name}" viewBox="0 0 8 8" refX="8" refY="4" markerWidth="7" markerHeight="7" orient="auto-start-reverse"><path d="M0,0 L8,4 L0,8 z" fill="${colour}"/></marker>`);
  out.push('</defs>');
  LANES.forEach((lane, i) => {
    out.push(`<g class="lane"><text x="${LANE_X[i]}" y="18" text-anchor="middle" font-weight="600" fill="#1f1f1f">${escapeXml(lane)}</text><line x1="${LANE_X[i]}" y1="26" x2="${LANE_X[i]}" y2="${height - 8}" stroke="#8c959f" stroke-dasharray="3 3"/></g>`);
  });
  hops.forEach((h, i) => {
    const y = TOP + i * ROW + 14;
    const x1 = LANE_X[LANES.indexOf(h.from)];
    const x2 = LANE_X[LANES.indexOf(h.to)];
    if (x1 === undefined || x2 === undefined) return;
    const colour = COLOURS[h.status] || COLOURS.ok;
    const dir = x2 > x1 ? 1 : -1;
    const label = clipLabel(h.label);
    const half = label.length * 3.3 + 4;
    const mid = Math.min(Math.max((x1 + x2) / 2, half), WIDTH - half);
    const cls = `hop ${h.status}${i === firstFail ? ' first-fail' : ''}`;
    out.push(`<g class="${cls}" data-hop="${i + 1}"${h.requestId ? ` data-request-id="${escapeXml(h.requestId)}"` : ''}>`);
    out.push(`<line x1="${x1 + dir * 3}" y1="${y}" x2="${x2 - dir * 3}" y2="${y}" stroke="${colour}" stroke-width="${h.status === 'fail' ? 2.5 : 1.5}"${h.status === 'probe' ? ' stroke-dasharray="5 3"' : ''} marker-end="url(#arrow-${h.status in COLOURS ? h.status : 'ok'})"/>`);
    out.push(`<text x="${mid}" y="${y - 6}" text-anchor="middle" fill="${h.status === 'ok' ? '#1f1f1f' : colour}">${escapeXml(label)}</text>`);
    if (i === firstFail) out.push(`<g class="fail-mark"><circle cx="${x2 - dir * 14}" cy="${y}" r="7" fill="${COLOURS.fail}"/><text x="${x2 - dir * 14}" y="${y + 4}" text-anchor="middle" fill="#fff" font-size="11" font-weight="700">✕</text></g>`);
    out.push('</g>');
  });
  out.push('</svg>');
  return out.join('');
}

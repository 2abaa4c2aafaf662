// The link simulator page: starts a link as Alexa would, then shows what the simulator server
// (local/simulator/server.ts) reports about it. Plain DOM: every value goes in as text, never as
// markup; the only markup inserted is the sequence picture, built and escaped by sequence.js.
import { hopsFromRecords, renderSequenceSvg } from './sequence.js';

const $ = (id) => document.getElementById(id);
const STORE_KEY = 'alexa-link-simulator:link';

/** Builds an element; children are nodes or text (strings become text nodes). */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) {
    if (v === undefined || v === null || v === false) continue;
    if (k === 'class') node.className = v;
    else node.setAttribute(k, v === true ? '' : String(v));
  }
  for (const c of children.flat(Infinity)) if (c !== undefined && c !== null && c !== false) node.append(c instanceof Node ? c : String(c));
  return node;
}

async function api(path, init) {
  const res = await fetch(path, { cache: 'no-store', ...init });
  const body = await res.json().catch(() => ({}));
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

function showProblem(text) {
  const p = $('problem');
  p.textContent = text || '';
  p.hidden = !text;
}

async function setup() {
  const s = await api('/sim/setup');
  $('return-url').textContent = s.redirectUri || '(not available)';
  $('authorize-uri').textContent = s.authorizeUri || '(none)';
  $('token-uri').textContent = s.tokenUri || '(none)';
  $('mode').textContent = `${s.mode} mode, provider profile ${s.provider}${s.demo ? ' (the built-in demo provider: sign in as demo / demo)' : ''}`;
  $('client-id').value = s.defaults.clientId;
  $('client-secret').value = s.defaults.clientSecret;
  if (s.defaults.secretFromEnv) $('secret-hint').textContent = 'Leave empty to use ALEXA_CLIENT_SECRET from local mode\'s environment. Sent only to this local simulator; shown only as a fingerprint.';
  $('scheme').value = s.defaults.scheme;
  $('scope').value = s.defaults.scope;
  $('pkce').checked = s.defaults.pkce;
  if (s.presets.length > 0) {
    const select = $('preset');
    for (const p of s.presets) select.append(el('option', { value: p.id }, p.label));
    const describe = () => {
      $('preset-description').textContent = s.presets.find((p) => p.id === select.value)?.description ?? '';
    };
    select.addEventListener('change', describe);
    describe();
    $('presets').hidden = false;
  }
  if (s.problem) {
    showProblem(s.problem);
    $('go').disabled = true;
  }
}

async function start(event) {
  event.preventDefault();
  showProblem('');
  $('go').disabled = true;
  try {
    const link = await api('/sim/links', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        clientId: $('client-id').value,
        clientSecret: $('client-secret').value,
        scheme: $('scheme').value,
        scope: $('scope').value,
        pkce: $('pkce').checked,
        preset: $('presets').hidden ? undefined : $('preset').value,
      }),
    });
    sessionStorage.setItem(STORE_KEY, link.id);
    // As the Alexa app does: open the Web Authorization URI in this window (no pop-up).
    location.assign(link.authorizeUrl);
  } catch (err) {
    showProblem(err.message);
    $('go').disabled = false;
  }
}

const STATUS_TEXT = { pass: 'passed', fail: 'failed', repaired: 'repaired', pending: 'waiting', skip: 'not reached' };

function kv(items) {
  const dl = el('dl', { class: 'kv' });
  for (const it of items) dl.append(el('dt', {}, it.name), el('dd', { class: it.secret ? 'secret' : undefined }, it.value));
  return dl;
}

function requestBlock(r) {
  if (!r) return el('p', { class: 'hint' }, 'not sent');
  return [el('p', {}, el('code', {}, `${r.method} ${r.url}`)), r.headers?.length ? kv(r.headers) : null, r.params?.length ? kv(r.params) : null];
}

function answerBlock(a) {
  if (!a) return el('p', { class: 'hint' }, 'no answer yet');
  const items = [];
  if (a.status !== undefined) items.push({ name: 'status', value: String(a.status) });
  if (a.target) items.push({ name: 'sends the browser to', value: a.target });
  if (a.contentType) items.push({ name: 'content-type', value: a.contentType });
  if (a.elapsedMs !== undefined) items.push({ name: 'time', value: `${a.elapsedMs} ms` });
  return [items.length ? kv(items) : null, a.fields?.length ? kv(a.fields) : null, a.note ? el('p', { class: 'hint' }, a.note) : null];
}

function checksBlock(checks) {
  if (!checks.length) return el('p', { class: 'hint' }, 'Alexa checks nothing here; see the records.');
  return el('ul', { class: 'checks' }, checks.map((c) => el('li', { class: c.status, 'data-check': c.id }, el('span', { class: 'name' }, c.name), ': ', el('span', { class: 'detail' }, c.detail))));
}

function findingBlock(f) {
  return el(
    'div',
    { class: `finding ${f.severity}`, 'data-rule': f.rule },
    el('p', {}, el('strong', {}, f.severity === 'handled' ? 'Repaired by the adapter: ' : `${f.severity === 'error' ? 'Error' : 'Warning'}: `), f.title, ' ', el('code', {}, f.rule)),
    el('p', {}, el('strong', {}, 'Cause: '), f.cause),
    el('p', {}, el('strong', {}, 'Fix: '), f.fix),
  );
}

function stepBlock(s) {
  const records = s.verdicts.length
    ? el('ul', { class: 'verdicts' }, s.verdicts.map((v) => el('li', { class: `sev-${v.severity}` }, el('code', {}, v.code), ` (${v.severity}): ${v.message}`)))
    : el('p', { class: 'hint' }, s.records.length ? 'no verdicts' : 'no exchange record');
  return el(
    'li',
    { class: `step ${s.status}`, id: `step-${s.id}`, 'data-step': s.id, 'data-status': s.status },
    el('h3', {}, s.title, el('span', { class: 'badge' }, STATUS_TEXT[s.status] ?? s.status)),
    el(
      'div',
      { class: 'cols' },
      el('div', {}, el('h4', {}, 'Request'), requestBlock(s.request)),
      el('div', {}, el('h4', {}, 'Answer'), answerBlock(s.answer)),
      el('div', {}, el('h4', {}, "Alexa's checks"), checksBlock(s.checks), el('h4', {}, 'Exchange records'), records, s.findings.length ? [el('h4', {}, 'diagnose'), s.findings.map(findingBlock)] : null),
    ),
  );
}

function render(view) {
  $('result').hidden = false;
  $('skip').hidden = false;
  const verdict = $('verdict');
  verdict.className = `verdict ${view.verdict.status}`;
  verdict.textContent = view.verdict.text;
  const svg = renderSequenceSvg(hopsFromRecords(view.records, view.picture), { title: 'Sequence of this link' });
  const doc = new DOMParser().parseFromString(svg, 'image/svg+xml');
  $('svg').replaceChildren(document.importNode(doc.documentElement, true));
  $('steps').replaceChildren(...view.steps.map(stepBlock));
  const body = $('diagnosis-body');
  if (view.findings.length === 0 && view.handled.length === 0) body.replaceChildren(el('p', {}, view.status === 'done' ? 'No problems found in this link.' : 'Nothing yet.'));
  else body.replaceChildren(...view.findings.map(findingBlock), ...view.handled.map(findingBlock));
  document.body.dataset.link = view.status;
}

async function follow(id, focus) {
  let view;
  try {
    view = await api(`/sim/links/${id}`);
  } catch (err) {
    sessionStorage.removeItem(STORE_KEY);
    showProblem(`${err.message}. Start a new link.`);
    return;
  }
  render(view);
  if (view.status === 'waiting' || view.status === 'running') {
    setTimeout(() => follow(id, focus), view.status === 'running' ? 300 : 1500);
  } else if (focus) {
    $('result').focus();
  }
}

$('start').addEventListener('submit', start);
setup().catch((err) => showProblem(`The simulator could not load its setup: ${err.message}`));
const fromUrl = new URLSearchParams(location.search).get('link');
const linkId = fromUrl || sessionStorage.getItem(STORE_KEY);
if (linkId) follow(linkId, true);
// Back from the provider's or the adapter's page: the browser may restore this page from its cache.
window.addEventListener('pageshow', (e) => {
  if (e.persisted) {
    $('go').disabled = false;
    const id = sessionStorage.getItem(STORE_KEY);
    if (id) follow(id, false);
  }
});

/**
 * Groups exchange records into link timelines (authorize → callback → token → refresh → AcceptGrant
 * → gateway). Records carrying a `linkId` join by it; the others join through the fingerprints they
 * share (the code of a code exchange, the tokens it returned and that a later refresh or AcceptGrant
 * presents). Pure: no AWS, no I/O.
 */
import { linkFingerprints, str, timeMs, type LogRecord } from './records';

export interface Timeline {
  /** The linkId, or the first fingerprint of the group (`fp:…`), or the request id of a lone record. */
  id: string;
  linkId?: string;
  /** Every fingerprint the group's records carry. */
  fingerprints: string[];
  /** Records in time order. */
  records: LogRecord[];
}

class UnionFind {
  private parent = new Map<string, string>();
  find(x: string): string {
    let cur = x;
    for (;;) {
      const p = this.parent.get(cur);
      if (p === undefined) {
        this.parent.set(cur, cur);
        return cur;
      }
      if (p === cur) return cur;
      cur = p;
    }
  }
  union(a: string, b: string): void {
    const ra = this.find(a);
    const rb = this.find(b);
    if (ra !== rb) this.parent.set(rb, ra);
  }
}

export function groupTimelines(records: readonly LogRecord[]): Timeline[] {
  const sorted = [...records].sort((a, b) => timeMs(a) - timeMs(b) || a.requestId.localeCompare(b.requestId));
  const uf = new UnionFind();
  const nodeOf = (i: number) => `rec:${i}`;
  sorted.forEach((r, i) => {
    const node = nodeOf(i);
    uf.find(node);
    const linkId = str(r, 'linkId');
    if (linkId) uf.union(node, `link:${linkId}`);
    for (const fp of linkFingerprints(r)) uf.union(node, `fp:${fp}`);
  });
  const groups = new Map<string, LogRecord[]>();
  sorted.forEach((r, i) => {
    const root = uf.find(nodeOf(i));
    const list = groups.get(root) ?? [];
    list.push(r);
    groups.set(root, list);
  });
  const timelines: Timeline[] = [];
  for (const list of groups.values()) {
    const linkId = list.map((r) => str(r, 'linkId')).find((x) => x !== undefined);
    const fps = [...new Set(list.flatMap((r) => linkFingerprints(r)))];
    timelines.push({ id: linkId ?? fps[0] ?? (list[0]!.requestId || `record@${list[0]!.time}`), ...(linkId ? { linkId } : {}), fingerprints: fps, records: list });
  }
  return timelines.sort((a, b) => timeMs(a.records[0]!) - timeMs(b.records[0]!));
}

/** Whether `--link ID` names this timeline: its linkId, one of its fingerprints, or one of its request ids. */
export function matchesLink(t: Timeline, id: string): boolean {
  const want = id.trim();
  if (t.id === want || t.linkId === want || t.fingerprints.includes(want)) return true;
  if (!want.startsWith('fp:') && t.fingerprints.includes(`fp:${want}`)) return true;
  return t.records.some((r) => r.requestId === want);
}

/** A short label for the step a record is: `token (code)`, `refresh`, `authorize`, `AcceptGrant`, … */
export function stepLabel(r: LogRecord): string {
  switch (r.route) {
    case 'POST /token': {
      const g = str(r, 'grantType');
      return g === 'refresh_token' ? 'refresh' : g === 'authorization_code' ? 'token (code)' : `token${g ? ` (${g})` : ''}`;
    }
    case 'GET /authorize':
      return 'authorize';
    case 'GET /callback':
      return 'callback';
    case 'lwa_refresh':
      return 'LWA refresh';
    case 'POST /events':
      return 'gateway';
    default:
      return r.route;
  }
}

export function passed(r: LogRecord): boolean {
  return r.outcome === 'success';
}

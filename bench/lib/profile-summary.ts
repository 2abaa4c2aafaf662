/**
 * Summarises a V8 CPU profile (`node --cpu-prof`) of an adapter process into where its CPU went.
 * Pure (test/bench/profile-summary.test.ts): the profile and the unminified bundle text in, tables out.
 *
 * Three views:
 * - self time by owner: each sample is charged to the innermost frame of code that owns the work
 *   (fetch/undici, the AWS SDK, an adapter module, the stand-in); samples with no owner on the stack
 *   are Node's own (HTTP parsing of the stand-in's server, socket callbacks, GC);
 * - self time by operation: what the leaf frame was doing (JSON, URL parsing, hashing and crypto,
 *   node:http, sockets and streams, GC, or plain JS of its owner);
 * - inclusive time of named functions: the share of samples with that function anywhere on the
 *   stack (callUpstream includes fetch, stdoutSink includes JSON.stringify and the write, …).
 * Bundle frames are mapped back to their source module through the `// path/to/module.ts` comments
 * esbuild writes into an unminified bundle. Idle samples are left out; module loading (samples under
 * a `require`/compile frame) is reported apart as start-up.
 */

export interface CpuProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}

export interface CpuProfile {
  nodes: CpuProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

/** Line (0-based) → module path, from esbuild's `// module` markers; sorted by line. */
export function moduleMap(bundleText: string): { line: number; module: string }[] {
  const out: { line: number; module: string }[] = [];
  bundleText.split('\n').forEach((l, i) => {
    const m = /^\/\/ ((?:[\w@.-]+\/)*[\w@.-]+\.(?:ts|js|mjs|cjs|json))$/.exec(l);
    if (m) out.push({ line: i, module: m[1]! });
  });
  return out;
}

export function moduleAt(map: readonly { line: number; module: string }[], line: number): string | undefined {
  let lo = 0;
  let hi = map.length - 1;
  let found: string | undefined;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (map[mid]!.line <= line) {
      found = map[mid]!.module;
      lo = mid + 1;
    } else hi = mid - 1;
  }
  return found;
}

const HASH_FUNCTIONS = new Set(['createHash', 'createHmac', 'digest', 'update', 'hkdfSync', 'randomUUID', 'randomBytes', 'createCipheriv', 'createDecipheriv', 'timingSafeEqual', 'pbkdf2Sync']);

/**
 * Who asked for the work: the innermost frame of code that owns it (fetch/undici, the AWS SDK, an
 * adapter module, the stand-in), or undefined for Node's own frames.
 */
export function ownerOf(frame: CpuProfileNode['callFrame'], module: string | undefined): string | undefined {
  const { url } = frame;
  if (url.includes('undici')) return 'fetch (undici)';
  if (/@aws-sdk|@smithy|@aws-crypto/.test(url)) return 'AWS SDK (DynamoDB client)';
  if (module) {
    if (module === 'lambda/shared/log.ts') return 'logging (stdoutSink)';
    if (module.startsWith('local/') || module.startsWith('bench/')) return 'stand-in + host (not the Lambda)';
    if (module.includes('valibot')) return 'config validation (valibot)';
    if (module.startsWith('lambda/')) return `adapter: ${module.replace(/^lambda\//, '')}`;
    return `bundled: ${module}`;
  }
  return undefined;
}

/** What the work was: JSON, URL parsing, hashing, HTTP parsing, sockets, GC… (undefined: plain JS of its owner). */
export function operationOf(frame: CpuProfileNode['callFrame']): string | undefined {
  const { functionName: fn, url } = frame;
  if (fn === '(garbage collector)') return 'GC';
  if (fn === '(program)') return 'V8 / native (program)';
  if (url.startsWith('node:internal/crypto') || (url === '' && HASH_FUNCTIONS.has(fn))) return 'hashing and crypto';
  if (url === 'node:internal/url' || url.startsWith('node:url') || (url === '' && (fn === 'URL' || fn === 'URLSearchParams'))) return 'URL parsing';
  if (url === '' && (fn === 'stringify' || fn === 'parse' || fn === 'JSON.stringify' || fn === 'JSON.parse')) return 'JSON';
  if (url === '' && /^(writev|writeUtf8String|writeBuffer|writeLatin1String|writeAsciiString|writeUcs2String|readFileUtf8)$/.test(fn)) return 'socket and pipe writes (syscalls)';
  if (fn === 'runMicrotasks' || url === 'node:internal/process/task_queues') return 'promises and ticks';
  if (/^node:(_http_server|_http_incoming)/.test(url)) return 'HTTP server (the stand-in\'s listener)';
  if (/^node:(_http_client|_http_outgoing|_http_agent|_http_common|http|https)/.test(url)) return 'node:http';
  if (/^node:(net|stream|internal\/streams|internal\/stream_base|internal\/net|dns|internal\/dns)/.test(url)) return 'sockets and streams';
  if (url.startsWith('node:')) return 'Node internals (other)';
  return undefined;
}

export interface ProfileSummary {
  /** µs of non-idle samples, start-up excluded. */
  totalUs: number;
  startupUs: number;
  /** Self time by the innermost owning code (Node frames without an owner: by their operation). */
  byOwner: { category: string; us: number; share: number }[];
  /** Self time by the innermost operation (JS of the owner itself: "JS code"). */
  byOperation: { category: string; us: number; share: number }[];
  inclusive: { name: string; us: number; share: number }[];
}

const STARTUP = new Set(['require', 'compileFunction', 'Module._compile', 'wrapSafe', 'Module._load', 'loadESM', 'compileForInternalLoader', 'executeUserEntryPoint']);

export function summarizeProfile(profile: CpuProfile, bundles: Record<string, string>, inclusiveNames: readonly string[]): ProfileSummary {
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const maps = new Map(Object.entries(bundles).map(([url, text]) => [url, moduleMap(text)]));
  const moduleOf = (f: CpuProfileNode['callFrame']) => {
    const m = maps.get(f.url);
    return m ? moduleAt(m, f.lineNumber) : undefined;
  };
  const owners = new Map<string, number>();
  const ops = new Map<string, number>();
  const incl = new Map<string, number>(inclusiveNames.map((n) => [n, 0]));
  let totalUs = 0;
  let startupUs = 0;
  for (let i = 0; i < profile.samples.length; i++) {
    const dt = profile.timeDeltas[i + 1] ?? profile.timeDeltas[i] ?? 0;
    const leaf = byId.get(profile.samples[i]!);
    if (!leaf || leaf.callFrame.functionName === '(idle)') continue;
    const stack: CpuProfileNode[] = [];
    for (let id: number | undefined = leaf.id; id !== undefined; id = parent.get(id)) stack.push(byId.get(id)!);
    if (stack.some((n) => STARTUP.has(n.callFrame.functionName))) {
      startupUs += dt;
      continue;
    }
    totalUs += dt;
    let owner: string | undefined;
    let op: string | undefined;
    for (const n of stack) {
      owner ??= ownerOf(n.callFrame, moduleOf(n.callFrame));
      if (owner) break;
    }
    op = operationOf(leaf.callFrame);
    // undici's own JavaScript lives at node:internal/deps/undici: plain JS of its owner, not a Node internal.
    if ((op === undefined || op === 'Node internals (other)') && ownerOf(leaf.callFrame, moduleOf(leaf.callFrame))) op = 'JS code of the owner';
    op ??= 'other';
    if (!owner) {
      // No JS owner on the stack: Node's own work (event loop, I/O callbacks), by operation.
      for (const n of stack) {
        const o = operationOf(n.callFrame);
        if (o && o !== 'Node internals (other)') {
          owner = `Node: ${o}`;
          break;
        }
      }
      owner ??= `Node: ${op}`;
    }
    owners.set(owner, (owners.get(owner) ?? 0) + dt);
    ops.set(op, (ops.get(op) ?? 0) + dt);
    const seen = new Set<string>();
    for (const n of stack) {
      const name = n.callFrame.functionName;
      if (incl.has(name) && !seen.has(name)) {
        seen.add(name);
        incl.set(name, incl.get(name)! + dt);
      }
    }
  }
  const share = (us: number) => (totalUs > 0 ? us / totalUs : 0);
  return {
    totalUs,
    startupUs,
    byOwner: [...owners.entries()].map(([category, us]) => ({ category, us, share: share(us) })).sort((a, b) => b.us - a.us),
    byOperation: [...ops.entries()].map(([category, us]) => ({ category, us, share: share(us) })).sort((a, b) => b.us - a.us),
    inclusive: [...incl.entries()].map(([name, us]) => ({ name, us, share: share(us) })).sort((a, b) => b.us - a.us),
  };
}

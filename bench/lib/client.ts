/** The bench's client: node:http with keep-alive, one connection per target, timed with performance.now(). */
import { Agent, request } from 'node:http';

export interface Timed {
  ms: number;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: string;
}

const agents = new Map<string, Agent>();

export function send(url: string, init: { method: string; headers?: Record<string, string>; body?: string }): Promise<Timed> {
  const u = new URL(url);
  let agent = agents.get(u.host);
  if (!agent) {
    agent = new Agent({ keepAlive: true, maxSockets: 1 });
    agents.set(u.host, agent);
  }
  const body = init.body === undefined ? undefined : Buffer.from(init.body);
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const req = request(u, { method: init.method, agent, headers: { ...init.headers, ...(body ? { 'content-length': String(body.length) } : {}) } }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ ms: performance.now() - t0, status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(body);
  });
}

export function closeClients(): void {
  for (const a of agents.values()) a.destroy();
  agents.clear();
}

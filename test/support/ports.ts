/** Ports for tests that start local mode, which takes PORT…PORT+3. */
import { connect, createServer } from 'node:net';

/** Whether something accepts connections on 127.0.0.1:port. */
export const listening = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => (socket.destroy(), resolve(true)));
    socket.once('error', () => resolve(false));
  });

const bindable = (port: number) =>
  new Promise<boolean>((resolve) => {
    const srv = createServer();
    srv.once('error', () => resolve(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => resolve(true)));
  });

/** Four consecutive free ports, as local mode takes them (PORT…PORT+3). */
export async function freePortBlock(): Promise<number> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const base = 20_000 + Math.floor(Math.random() * 40_000);
    const free = await Promise.all([0, 1, 2, 3].map((i) => bindable(base + i)));
    if (free.every(Boolean)) return base;
  }
  throw new Error('no four consecutive free ports');
}

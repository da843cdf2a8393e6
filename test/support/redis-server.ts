/**
 * Starts a throwaway redis-server on 127.0.0.1 (a free port, no persistence) for the Redis
 * tests. redis-server must be installed: when it is not, the tests fail with a message
 * saying how to install it (they never skip silently).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { afterAll, beforeAll } from 'vitest';
import { createServer, connect } from 'node:net';

export interface RedisServer {
  readonly port: number;
  readonly url: string;
  /** Stops the server (SIGTERM, then SIGKILL after 2 s). */
  stop(): Promise<void>;
  /** Starts it again on the same port (after stop()). */
  start(): Promise<void>;
}

export const INSTALL_HINT =
  "redis-server is not installed, and the Redis tests need a real server. Install it (Debian/Ubuntu: `sudo apt-get update && sudo apt-get install -y redis-server`; macOS: `brew install redis`) or point SWITCHBOARD_REDIS_SERVER at the binary.";

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const port = (s.address() as { port: number }).port;
      s.close(() => resolve(port));
    });
  });
}

/**
 * The server CI started (SWITCHBOARD_REDIS_URL, see .ci/run) when there is one, else a
 * fresh one. Tests that stop the server always start their own (startRedisServer).
 */
export async function sharedRedisServer(): Promise<RedisServer> {
  const url = process.env.SWITCHBOARD_REDIS_URL;
  if (!url) return startRedisServer();
  const port = Number(new URL(url).port || 6379);
  const fail = async () => {
    throw new Error('the server from SWITCHBOARD_REDIS_URL is not ours to stop or start');
  };
  return { port, url, stop: async () => undefined, start: fail };
}

export async function startRedisServer(): Promise<RedisServer> {
  const port = await freePort();
  const bin = process.env.SWITCHBOARD_REDIS_SERVER ?? 'redis-server';
  let child: ChildProcess | undefined;
  const start = async () => {
    const c = spawn(bin, ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no'], { stdio: ['ignore', 'pipe', 'pipe'] });
    child = c;
    let output = '';
    c.stdout?.on('data', (d: Buffer) => (output += d.toString()));
    c.stderr?.on('data', (d: Buffer) => (output += d.toString()));
    await new Promise<void>((resolve, reject) => {
      const deadline = Date.now() + 5000;
      c.once('error', (err: NodeJS.ErrnoException) => reject(err.code === 'ENOENT' ? new Error(INSTALL_HINT) : err));
      c.once('exit', (code) => reject(new Error(`redis-server exited (${code}) before accepting connections:\n${output}`)));
      const probe = () => {
        const sock = connect(port, '127.0.0.1');
        sock.once('connect', () => {
          sock.destroy();
          resolve();
        });
        sock.once('error', () => {
          sock.destroy();
          if (Date.now() > deadline) reject(new Error(`redis-server did not accept connections on ${port} within 5 s:\n${output}`));
          else setTimeout(probe, 20);
        });
      };
      probe();
    });
    c.removeAllListeners('exit');
  };
  const stop = async () => {
    const c = child;
    child = undefined;
    if (!c || c.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      const kill = setTimeout(() => c.kill('SIGKILL'), 2000);
      c.once('exit', () => {
        clearTimeout(kill);
        resolve();
      });
      c.kill('SIGTERM');
    });
  };
  await start();
  return { port, url: `redis://127.0.0.1:${port}`, stop, start };
}

/** What a Redis test file opens and must close: stores first, then clients, then the server. */
export interface SharedRedis {
  readonly server: RedisServer;
  readonly stores: Array<{ close(): Promise<void> }>;
  readonly clients: Array<{ close(): Promise<void> }>;
}

/** The file's shared server (sharedRedisServer) started before its tests; what it opened closed after. */
export function useSharedRedisServer(): SharedRedis {
  let server: RedisServer | undefined;
  const stores: Array<{ close(): Promise<void> }> = [];
  const clients: Array<{ close(): Promise<void> }> = [];
  beforeAll(async () => {
    server = await sharedRedisServer();
  }, 15_000);
  afterAll(async () => {
    for (const s of stores) await s.close();
    for (const c of clients) await c.close().catch(() => {});
    await server?.stop();
  });
  return {
    get server() {
      if (!server) throw new Error('the Redis server is started in beforeAll');
      return server;
    },
    stores,
    clients,
  };
}

/**
 * Child processes for the benchmarks: the upstream fake, the Portkey gateway, and one
 * process per measured client (so CPU time and peak RSS are per process, and one
 * client's JIT state or heap never leaks into another's figures).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createServer, connect } from 'node:net';
import { resolve } from 'node:path';
import { BENCH_DIR, PEERS_DIR, REPO_DIR } from './paths.js';
import type { UpstreamUrls } from './fake-upstream.js';
import { childScript } from './build-package.js';

const CLK_TCK = 100;

/** Spawns a bench/lib child script (bundled, plain `node`) with an IPC channel. */
export async function spawnScript(script: string, args: string[] = [], opts: { env?: NodeJS.ProcessEnv; nodeArgs?: string[] } = {}): Promise<ChildProcess> {
  return spawn(process.execPath, [...(opts.nodeArgs ?? []), await childScript(script), ...args], {
    cwd: REPO_DIR,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
  });
}

function tail(buf: string[]): string {
  return buf.join('').split('\n').filter(Boolean).slice(-8).join('\n');
}

/** Runs a child that answers one `{ result }` message, then exits. */
export async function runChild<T>(script: string, input: unknown, opts: { env?: NodeJS.ProcessEnv; nodeArgs?: string[]; timeoutMs?: number } = {}): Promise<T> {
  const child = await spawnScript(script, [], opts);
  return new Promise<T>((resolvePromise, reject) => {
    const out: string[] = [];
    child.stdout!.on('data', (d: Buffer) => out.push(d.toString()));
    child.stderr!.on('data', (d: Buffer) => out.push(d.toString()));
    let result: { ok: true; value: T } | { ok: false; error: string } | undefined;
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${script} timed out after ${opts.timeoutMs} ms\n${tail(out)}`));
    }, opts.timeoutMs ?? 300_000);
    child.on('message', (m: any) => {
      if (m && 'result' in m) result = { ok: true, value: m.result as T };
      else if (m && 'error' in m) result = { ok: false, error: String(m.error) };
      child.disconnect();
    });
    child.on('exit', (code) => {
      clearTimeout(timer);
      if (result?.ok) resolvePromise(result.value);
      else reject(new Error(result ? result.error : `${script} exited ${code} without a result\n${tail(out)}`));
    });
    child.send({ input });
  });
}

/** For the child side of runChild: reads the input, sends the result or the error. */
export function childMain<I, O>(fn: (input: I) => Promise<O>): void {
  process.once('message', (m: any) => {
    fn(m.input as I).then(
      (result) => process.send!({ result }),
      (err: unknown) => process.send!({ error: err instanceof Error ? (err.stack ?? err.message) : String(err) }),
    );
  });
  process.on('disconnect', () => process.exit(0));
}

/** CPU milliseconds (user + system) and peak RSS of another process, from /proc. */
export function procStats(pid: number): { cpuMs: number; peakRssMb: number } | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const cpuMs = ((Number(fields[11]) + Number(fields[12])) * 1000) / CLK_TCK;
    const hwm = /VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return { cpuMs, peakRssMb: hwm ? Number(hwm[1]) / 1024 : NaN };
  } catch {
    return undefined;
  }
}

export interface Service {
  pid: number;
  stop(): Promise<void>;
}

function stopChild(child: ChildProcess): Promise<void> {
  return new Promise((r) => {
    if (child.exitCode !== null || child.signalCode !== null) return r();
    child.once('exit', () => r());
    child.kill('SIGTERM');
    setTimeout(() => child.kill('SIGKILL'), 2_000).unref();
  });
}

export async function startUpstream(): Promise<Service & { urls: UpstreamUrls }> {
  const child = await spawnScript('lib/fake-upstream.ts', ['--serve-upstream']);
  const err: string[] = [];
  child.stderr!.on('data', (d: Buffer) => err.push(d.toString()));
  const urls = await new Promise<UpstreamUrls>((r, reject) => {
    child.once('message', (m: any) => r(m.ready as UpstreamUrls));
    child.once('exit', (code) => reject(new Error(`bench upstream exited ${code}\n${tail(err)}`)));
  });
  return { urls, pid: child.pid!, stop: () => stopChild(child) };
}

async function freePort(): Promise<number> {
  const s = createServer();
  await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
  const { port } = s.address() as { port: number };
  await new Promise<void>((r) => s.close(() => r()));
  return port;
}

async function waitForPort(port: number, deadlineMs: number, child: ChildProcess): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (Date.now() < end) {
    if (child.exitCode !== null) throw new Error(`exited with code ${child.exitCode}`);
    const ok = await new Promise<boolean>((r) => {
      const sock = connect(port, '127.0.0.1');
      sock.once('connect', () => (sock.destroy(), r(true)));
      sock.once('error', () => r(false));
    });
    if (ok) return;
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`no listener on 127.0.0.1:${port} after ${deadlineMs} ms`);
}

/** The local addresses listening on `port`, from /proc/net/tcp{,6} (proof of the loopback bind). */
export function listenAddresses(port: number): string[] {
  const hexPort = port.toString(16).toUpperCase().padStart(4, '0');
  const found: string[] = [];
  for (const file of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!existsSync(file)) continue;
    for (const line of readFileSync(file, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      const [addr, p] = (cols[1] ?? '').split(':');
      if (p !== hexPort || cols[3] !== '0A') continue; // 0A = LISTEN
      if (addr === '0100007F') found.push('127.0.0.1');
      else if (/^0+$/.test(addr ?? '')) found.push(file.endsWith('6') ? '[::]' : '0.0.0.0');
      else found.push(addr ?? '?');
    }
  }
  return found;
}

export const PORTKEY_ENTRY = resolve(PEERS_DIR, 'node_modules/@portkey-ai/gateway/build/start-server.js');

/** Portkey's gateway on 127.0.0.1 (its start-server binds every interface; the preload pins it). */
export async function startPortkey(): Promise<Service & { url: string; boundTo: string[] }> {
  if (!existsSync(PORTKEY_ENTRY)) throw new Error('@portkey-ai/gateway is not installed in bench/peers');
  const port = await freePort();
  const child = spawn(process.execPath, ['--require', resolve(BENCH_DIR, 'lib/bind-loopback.cjs'), PORTKEY_ENTRY, `--port=${port}`, '--headless'], {
    cwd: PEERS_DIR,
    env: { ...process.env, NODE_ENV: 'production' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const err: string[] = [];
  child.stderr!.on('data', (d: Buffer) => err.push(d.toString()));
  try {
    await waitForPort(port, 15_000, child);
  } catch (e) {
    await stopChild(child);
    throw new Error(`Portkey gateway did not start: ${(e as Error).message}\n${tail(err)}`);
  }
  const boundTo = listenAddresses(port);
  if (boundTo.some((a) => a !== '127.0.0.1')) {
    await stopChild(child);
    throw new Error(`Portkey gateway listened on ${boundTo.join(', ')}: refusing to benchmark a non-loopback listener`);
  }
  return { url: `http://127.0.0.1:${port}/v1`, pid: child.pid!, boundTo, stop: () => stopChild(child) };
}

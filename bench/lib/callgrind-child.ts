/**
 * The measured process of bench/lib/callgrind-calls.ts (runs under valgrind): builds one
 * client, warms it up with instrumentation off, then tells its parent it is ready, waits
 * until the parent has switched callgrind's instrumentation on, makes the timed calls and
 * says so again. Input comes in CG_INPUT (JSON), since valgrind keeps no IPC channel.
 */
import { existsSync } from 'node:fs';
import { makeClient, type LoadInput } from './load-client.js';

interface CgInput extends LoadInput {
  /** A file the parent creates once instrumentation is on. */
  goFile: string;
  calls: number;
}

const input = JSON.parse(process.env.CG_INPUT!) as CgInput;

async function drain(s: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of s) n++;
  return n;
}

const { call, stream } = await makeClient(input);
const once = input.mode === 'stream' ? async () => void (await drain(await stream())) : async () => void (await call());
for (let i = 0; i < input.warmup; i++) await once();
process.stdout.write('ready\n');
// A poll on a timer: a handful of ticks land inside the measured window, nothing per call.
while (!existsSync(input.goFile)) await new Promise((r) => setTimeout(r, 20));
for (let i = 0; i < input.calls; i++) await once();
process.stdout.write('done\n');
// The parent switches instrumentation off, then closes stdin.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

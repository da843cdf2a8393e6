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
  /** Other clients built and warmed up alike in this process (unmeasured): `--shared`. */
  alongside?: LoadInput['variant'][];
}

const input = JSON.parse(process.env.CG_INPUT!) as CgInput;

async function drain(s: AsyncIterable<unknown>): Promise<number> {
  let n = 0;
  for await (const _ of s) n++;
  return n;
}

const { call, stream } = await makeClient(input);
// Items the timed calls yielded (chunks of a stream, 1 per whole answer): the parent reports instructions per item too.
let items = 0;
const onceWith = (c: { call: () => Promise<unknown>; stream: () => AsyncIterable<unknown> | Promise<AsyncIterable<unknown>> }) =>
  input.mode === 'stream' ? async () => void (items += await drain(await c.stream())) : async () => void (await c.call(), items++);
const once = onceWith({ call, stream });
const others = await Promise.all((input.alongside ?? []).map(async (variant) => onceWith(await makeClient({ ...input, variant }))));
for (let i = 0; i < input.warmup; i++) {
  await once();
  for (const other of others) await other();
}
/** `calls` calls, `concurrency` of them in flight (1: one after another). */
async function run(calls: number): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next++ < calls) await once();
  };
  await Promise.all(Array.from({ length: Math.max(1, input.concurrency) }, worker));
}
// At concurrency, its paths are compiled before the window too.
if (input.concurrency > 1) await run(input.warmup);
items = 0;
process.stdout.write('ready\n');
// A poll on a timer: a handful of ticks land inside the measured window, nothing per call.
while (!existsSync(input.goFile)) await new Promise((r) => setTimeout(r, 20));
await run(input.calls);
process.stdout.write(`done ${items}\n`);
// The parent switches instrumentation off, then closes stdin.
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));

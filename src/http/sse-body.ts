/**
 * A routed stream as the SSE body OpenAI sends: chat completions as `data: <chunk>`
 * events ending in `data: [DONE]`; Responses as `event: <type>` + `data: <event>`.
 * Pull-based, so a slow reader slows the upstream read instead of filling memory, and
 * cancelling the body (the client went away) cancels the upstream call.
 */
import { toHttpError } from './openai-error-body.js';
import { hadNullUsage, rawOf } from '../providers/pass-through.js';

export type SseFlavour = 'chat' | 'responses';

const encoder = new TextEncoder();
const DONE = encoder.encode('data: [DONE]\n\n');
const NULL_USAGE = Buffer.from('"usage":null');
const COMMA = 44;

/**
 * The upstream's own event bytes for a chunk passed through unchanged (see
 * providers/pass-through.ts), or undefined (then the chunk is serialised). The one change
 * the router makes in place, dropping `"usage": null` for a caller that asked for no
 * usage, is cut from the bytes when they hold that member once (a string cannot hold it
 * unescaped, so that one is the chunk's own).
 */
function passedThrough(chunk: unknown): Uint8Array | undefined {
  const raw = rawOf(chunk);
  if (!(raw instanceof Uint8Array)) return undefined;
  if ((chunk as { usage?: unknown }).usage !== undefined || !hadNullUsage(chunk as object)) return raw;
  const bytes = Buffer.from(raw.buffer, raw.byteOffset, raw.byteLength);
  const at = bytes.indexOf(NULL_USAGE);
  if (at < 0 || bytes.indexOf(NULL_USAGE, at + NULL_USAGE.length) >= 0) return undefined;
  const end = at + NULL_USAGE.length;
  if (bytes[end] === COMMA) return Buffer.concat([bytes.subarray(0, at), bytes.subarray(end + 1)]);
  if (bytes[at - 1] === COMMA) return Buffer.concat([bytes.subarray(0, at - 1), bytes.subarray(end)]);
  return undefined;
}

export function sseBody(stream: AsyncIterable<unknown>, flavour: SseFlavour, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  const iterator = stream[Symbol.asyncIterator]();
  let sequence = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const r = await iterator.next();
          if (r.done) {
            // A stream the caller aborted ends quietly upstream; the body errors as a fetch body does, never `[DONE]`.
            if (signal?.aborted) return controller.error(signal.reason);
            if (flavour === 'chat') controller.enqueue(DONE);
            controller.close();
            return;
          }
          if (flavour === 'chat') {
            const raw = passedThrough(r.value);
            if (raw) controller.enqueue(raw);
            else controller.enqueue(encoder.encode(`data: ${JSON.stringify(r.value)}\n\n`));
          } else {
            const event = r.value as { type?: string; sequence_number?: number };
            if (typeof event.sequence_number === 'number') sequence = event.sequence_number + 1;
            // The upstream's own `event: <type>` + `data:` bytes when the event passed through unchanged.
            const raw = rawOf(event);
            if (raw instanceof Uint8Array) controller.enqueue(raw);
            else controller.enqueue(encoder.encode(`event: ${event.type ?? 'message'}\ndata: ${JSON.stringify(event)}\n\n`));
          }
        } catch (err) {
          // The caller aborted: the body errors as a fetch body does, with the signal's reason.
          if (signal?.aborted) return controller.error(signal.reason);
          // After the headers OpenAI reports a failure as an error event, and the SDKs raise
          // it to the caller. No [DONE]: the answer is not complete.
          const { body } = toHttpError(err);
          const frame =
            flavour === 'chat'
              ? `data: ${JSON.stringify(body)}\n\n`
              : `event: error\ndata: ${JSON.stringify({ type: 'error', code: body.error.code, message: body.error.message, param: body.error.param, sequence_number: sequence })}\n\n`;
          controller.enqueue(encoder.encode(frame));
          controller.close();
        }
      },
      async cancel() {
        await iterator.return?.(undefined);
      },
    },
    // One event at a time: the next is read from upstream only once this one was taken.
    { highWaterMark: 0 },
  );
}

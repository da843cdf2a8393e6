/**
 * A routed stream as the SSE body OpenAI sends: chat completions as `data: <chunk>`
 * events ending in `data: [DONE]`; Responses as `event: <type>` + `data: <event>`.
 * Pull-based, so a slow reader slows the upstream read instead of filling memory, and
 * cancelling the body (the client went away) cancels the upstream call.
 */
import { toHttpError } from './openai-error-body.js';

export type SseFlavour = 'chat' | 'responses';

const encoder = new TextEncoder();
const DONE = encoder.encode('data: [DONE]\n\n');

export function sseBody(stream: AsyncIterable<unknown>, flavour: SseFlavour, signal: AbortSignal | undefined): ReadableStream<Uint8Array> {
  const iterator = stream[Symbol.asyncIterator]();
  let sequence = 0;
  return new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const r = await iterator.next();
          if (r.done) {
            if (flavour === 'chat') controller.enqueue(DONE);
            controller.close();
            return;
          }
          const json = JSON.stringify(r.value);
          if (flavour === 'chat') controller.enqueue(encoder.encode(`data: ${json}\n\n`));
          else {
            const event = r.value as { type?: string; sequence_number?: number };
            if (typeof event.sequence_number === 'number') sequence = event.sequence_number + 1;
            controller.enqueue(encoder.encode(`event: ${event.type ?? 'message'}\ndata: ${json}\n\n`));
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

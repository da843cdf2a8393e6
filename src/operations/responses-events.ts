/**
 * A chat-completions chunk stream → the Responses API's event stream, in OpenAI's order:
 * response.created, response.in_progress, then per output item `output_item.added`,
 * its deltas and `…done` events, `output_item.done`, and finally response.completed
 * (or response.incomplete when the answer was cut).
 */
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import type {
  Response,
  ResponseCreateParamsBase,
  ResponseFunctionToolCall,
  ResponseOutputMessage,
  ResponseReasoningItem,
  ResponseStreamEvent,
} from 'openai/resources/responses/responses';
import { finishResponse, newId, responseEnvelope, toResponseUsage } from './responses-translate.js';

/** One event without its sequence number, which `ev` assigns in order. */
type EventInit = ResponseStreamEvent extends infer E ? (E extends ResponseStreamEvent ? Omit<E, 'sequence_number'> : never) : never;

type Open =
  | { kind: 'reasoning'; index: number; item: ResponseReasoningItem; text: string }
  | { kind: 'message'; index: number; item: ResponseOutputMessage; text: string }
  | { kind: 'call'; index: number; item: ResponseFunctionToolCall; chatIndex: number };

export async function* chunksToResponseEvents(chunks: AsyncIterable<ChatCompletionChunk>, body: ResponseCreateParamsBase): AsyncGenerator<ResponseStreamEvent> {
  let seq = 0;
  let response: Response | undefined;
  let open: Open | undefined;
  let finish: string | null = null;
  let usage: ChatCompletionChunk['usage'];
  const calls = new Map<number, Open & { kind: 'call' }>();
  const ev = (e: EventInit): ResponseStreamEvent => ({ ...e, sequence_number: seq++ }) as ResponseStreamEvent;
  const snapshot = () => structuredClone(response!);

  function* close(): Generator<ResponseStreamEvent> {
    const o = open;
    if (!o) return;
    open = undefined;
    const base = { item_id: o.item.id ?? '', output_index: o.index };
    if (o.kind === 'reasoning') {
      o.item.content = [{ type: 'reasoning_text', text: o.text }];
      o.item.status = 'completed';
      yield ev({ type: 'response.reasoning_text.done', ...base, content_index: 0, text: o.text });
    } else if (o.kind === 'message') {
      const part = { type: 'output_text' as const, text: o.text, annotations: [], logprobs: [] };
      o.item.content = [part];
      o.item.status = 'completed';
      yield ev({ type: 'response.output_text.done', ...base, content_index: 0, text: o.text, logprobs: [] });
      yield ev({ type: 'response.content_part.done', ...base, content_index: 0, part });
    } else {
      o.item.status = 'completed';
      // OpenAI sends `name` on this event; openai 7's type dropped it, openai 6's has it.
      const named = { name: o.item.name };
      yield ev({ type: 'response.function_call_arguments.done', ...base, ...named, arguments: o.item.arguments });
    }
    yield ev({ type: 'response.output_item.done', output_index: o.index, item: structuredClone(o.item) });
  }

  function* start(next: Open): Generator<ResponseStreamEvent> {
    yield* close();
    open = next;
    response!.output.push(next.item);
    const added = structuredClone(next.item);
    if (added.type === 'message') added.content = [];
    yield ev({ type: 'response.output_item.added', output_index: next.index, item: added });
    if (next.kind === 'message') {
      yield ev({ type: 'response.content_part.added', item_id: next.item.id, output_index: next.index, content_index: 0, part: { type: 'output_text', text: '', annotations: [], logprobs: [] } });
    }
  }

  for await (const chunk of chunks) {
    if (!response) {
      response = responseEnvelope(body, `resp_${chunk.id.replace(/^chatcmpl-?/, '')}`, chunk.model, chunk.created);
      yield ev({ type: 'response.created', response: snapshot() });
      yield ev({ type: 'response.in_progress', response: snapshot() });
    }
    if (chunk.usage) usage = chunk.usage;
    const choice = chunk.choices[0];
    if (!choice) continue;
    const delta = choice.delta as ChatCompletionChunk.Choice.Delta & { reasoning_content?: string | null };
    if (delta.reasoning_content) {
      if (open?.kind !== 'reasoning') {
        yield* start({ kind: 'reasoning', index: response.output.length, item: { type: 'reasoning', id: newId('rs'), summary: [], status: 'in_progress' }, text: '' });
      }
      const o = open as Open & { kind: 'reasoning' };
      o.text += delta.reasoning_content;
      yield ev({ type: 'response.reasoning_text.delta', item_id: o.item.id, output_index: o.index, content_index: 0, delta: delta.reasoning_content });
    }
    if (delta.content) {
      if (open?.kind !== 'message') {
        yield* start({ kind: 'message', index: response.output.length, item: { type: 'message', id: newId('msg'), role: 'assistant', status: 'in_progress', content: [] }, text: '' });
      }
      const o = open as Open & { kind: 'message' };
      o.text += delta.content;
      yield ev({ type: 'response.output_text.delta', item_id: o.item.id, output_index: o.index, content_index: 0, delta: delta.content, logprobs: [] });
    }
    if (delta.refusal) {
      // Refusals arrive whole in practice; they close any open item and stand alone.
      yield* close();
      const index = response.output.length;
      const item: ResponseOutputMessage = { type: 'message', id: newId('msg'), role: 'assistant', status: 'completed', content: [{ type: 'refusal', refusal: delta.refusal }] };
      response.output.push(item);
      yield ev({ type: 'response.output_item.added', output_index: index, item: { ...item, content: [] } });
      yield ev({ type: 'response.refusal.done', item_id: item.id, output_index: index, content_index: 0, refusal: delta.refusal });
      yield ev({ type: 'response.output_item.done', output_index: index, item: structuredClone(item) });
    }
    for (const tc of delta.tool_calls ?? []) {
      let o = calls.get(tc.index);
      if (!o) {
        o = {
          kind: 'call',
          index: response.output.length,
          chatIndex: tc.index,
          item: { type: 'function_call', id: newId('fc'), call_id: tc.id ?? newId('call'), name: tc.function?.name ?? '', arguments: '', status: 'in_progress' },
        };
        calls.set(tc.index, o);
        yield* start(o);
      } else if (open !== o) {
        // Providers send one call's deltas together; a late delta for a closed call is still kept.
        o.item.arguments += tc.function?.arguments ?? '';
        continue;
      }
      const args = tc.function?.arguments ?? '';
      if (args) {
        o.item.arguments += args;
        yield ev({ type: 'response.function_call_arguments.delta', item_id: o.item.id ?? '', output_index: o.index, delta: args });
      }
    }
    if (choice.finish_reason) finish = choice.finish_reason;
  }
  if (!response) return;
  yield* close();
  const final = finishResponse(response, finish, toResponseUsage(usage ?? undefined));
  yield ev({ type: final.status === 'incomplete' ? 'response.incomplete' : 'response.completed', response: structuredClone(final) } as EventInit);
}

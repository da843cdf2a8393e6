/** What a request needs from a model, inferred from the body alone (no I/O). */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { Requirements, Tokenizer } from '../../spec/requirements.js';
import type { RoutingContext } from '../../spec/routing-context.js';

// Rough token costs of what the estimator cannot count as text.
const MESSAGE_OVERHEAD_TOKENS = 4;
const IMAGE_TOKENS = 765;
const OTHER_PART_TOKENS = 100;

export function inferRequirements(body: ChatCompletionCreateParams, context: RoutingContext, tokenizer?: Tokenizer): Requirements {
  let vision = false;
  let promptTokens: number;
  if (!tokenizer) {
    let chars = 0;
    for (const m of body.messages) {
      chars += 16;
      const content = (m as { content?: unknown }).content;
      if (typeof content === 'string') chars += content.length;
      else if (Array.isArray(content)) {
        for (const part of content as Array<{ type?: string; text?: string }>) {
          if (part.type === 'text') chars += part.text?.length ?? 0;
          else if (part.type === 'image_url') {
            vision = true;
            chars += 3000;
          } else chars += 400;
        }
      }
      const calls = (m as { tool_calls?: Array<{ function?: { arguments?: string } }> }).tool_calls;
      if (calls) for (const c of calls) chars += 32 + (c.function?.arguments?.length ?? 0);
    }
    if (body.tools) for (const t of body.tools) chars += JSON.stringify(t).length;
    promptTokens = Math.ceil(chars / 4);
  } else {
    let tokens = 0;
    const count = (text: string): number => {
      const n = tokenizer(text);
      if (typeof n !== 'number' || !Number.isFinite(n) || n < 0) {
        throw new TypeError(`The router's tokenizer returned ${String(n)}; it must return a non-negative number`);
      }
      return n;
    };
    for (const m of body.messages) {
      tokens += MESSAGE_OVERHEAD_TOKENS;
      const content = (m as { content?: unknown }).content;
      if (typeof content === 'string') tokens += count(content);
      else if (Array.isArray(content)) {
        for (const part of content as Array<{ type?: string; text?: string }>) {
          if (part.type === 'text') tokens += count(part.text ?? '');
          else if (part.type === 'image_url') {
            vision = true;
            tokens += IMAGE_TOKENS;
          } else tokens += OTHER_PART_TOKENS;
        }
      }
      const calls = (m as { tool_calls?: Array<{ function?: { name?: string; arguments?: string } }> }).tool_calls;
      if (calls) for (const c of calls) tokens += MESSAGE_OVERHEAD_TOKENS + count(`${c.function?.name ?? ''}${c.function?.arguments ?? ''}`);
    }
    if (body.tools) for (const t of body.tools) tokens += count(JSON.stringify(t));
    promptTokens = Math.ceil(tokens);
  }
  const required = context.requiredCapabilities;
  return {
    tools: (body.tools?.length ?? 0) > 0 || !!required?.includes('tools'),
    vision: vision || !!required?.includes('vision'),
    jsonSchema: body.response_format?.type === 'json_schema' || !!required?.includes('json_schema'),
    stream: body.stream === true || !!required?.includes('streaming'),
    reasoning: body.reasoning_effort != null || !!required?.includes('reasoning'),
    promptTokens,
    maxOutputTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
  };
}

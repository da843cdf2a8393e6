/** What a request needs from a model, inferred from the body alone (no I/O). */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { RoutingContext } from '../config/router-options.js';

export interface Requirements {
  tools: boolean;
  vision: boolean;
  jsonSchema: boolean;
  stream: boolean;
  reasoning: boolean;
  /** A fast over-estimate of prompt tokens (chars / 4, plus per-message overhead). */
  promptTokens: number;
  /** What the caller asked for as output, if anything. */
  maxOutputTokens: number | undefined;
}

export function inferRequirements(body: ChatCompletionCreateParams, context: RoutingContext): Requirements {
  let chars = 0;
  let vision = false;
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
  const required = context.requiredCapabilities;
  return {
    tools: (body.tools?.length ?? 0) > 0 || !!required?.includes('tools'),
    vision: vision || !!required?.includes('vision'),
    jsonSchema: body.response_format?.type === 'json_schema' || !!required?.includes('json_schema'),
    stream: body.stream === true || !!required?.includes('streaming'),
    reasoning: body.reasoning_effort != null || !!required?.includes('reasoning'),
    promptTokens: Math.ceil(chars / 4),
    maxOutputTokens: body.max_completion_tokens ?? body.max_tokens ?? undefined,
  };
}

import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';

/** The plain text of a message's content, whatever its shape (string or parts). */
export function messageText(message: ChatCompletionMessageParam): string {
  const content = (message as { content?: unknown }).content;
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (part && typeof part === 'object' && (part as { type?: string }).type === 'text') text += (part as { text: string }).text;
  }
  return text;
}

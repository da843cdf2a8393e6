/**
 * Gemini's citations (citationMetadata) and search grounding (groundingSupports pointing
 * at groundingChunks) → OpenAI `message.annotations` of type url_citation. Gemini counts
 * offsets in UTF-8 bytes of the answer text; OpenAI in string characters, so they are
 * converted. A source without a URL has no url_citation form and is not annotated.
 */
import type { ChatCompletionMessage } from 'openai/resources/chat/completions';
import type { GeminiCandidate } from './gemini-wire.js';

type Annotation = NonNullable<ChatCompletionMessage['annotations']>[number];

export function toAnnotations(c: GeminiCandidate, text: string): Annotation[] {
  // Most answers cite nothing: no byte copy of the text for them.
  if (!c.citationMetadata && !c.groundingMetadata) return [];
  const out: Annotation[] = [];
  const bytes = Buffer.from(text, 'utf8');
  const at = (byteOffset: number | undefined) => bytes.subarray(0, Math.max(0, Math.min(byteOffset ?? 0, bytes.length))).toString('utf8').length;
  const add = (start: number | undefined, end: number | undefined, url: string, title: string | undefined) =>
    out.push({ type: 'url_citation', url_citation: { start_index: at(start), end_index: at(end), url, title: title ?? '' } });

  for (const s of c.citationMetadata?.citationSources ?? c.citationMetadata?.citations ?? []) {
    if (s.uri) add(s.startIndex, s.endIndex, s.uri, s.title);
  }
  const chunks = c.groundingMetadata?.groundingChunks ?? [];
  for (const support of c.groundingMetadata?.groundingSupports ?? []) {
    for (const i of support.groundingChunkIndices ?? []) {
      const web = chunks[i]?.web;
      if (web?.uri) add(support.segment?.startIndex, support.segment?.endIndex, web.uri, web.title);
    }
  }
  return out;
}

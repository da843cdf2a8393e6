/**
 * Thinking / reasoning text is surfaced as `reasoning_content` on the message (and on
 * stream deltas), the field DeepSeek and other OpenAI-compatible servers use. It is
 * never mixed into `content`.
 */
export interface ReasoningExtension {
  reasoning_content?: string | null;
}

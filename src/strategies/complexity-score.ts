/**
 * A fast heuristic of how hard a prompt is, in [0, 1]: length, code, maths, reasoning
 * cues, tools and schemas push it up; short classification-style asks pull it down.
 * Microseconds, no model call. Replace it per route with `classifier`.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';

const HARD_CUES = [
  'step by step',
  'prove',
  'derive',
  'analy',
  'explain why',
  'reason',
  'compare',
  'trade-off',
  'tradeoff',
  'architect',
  'design',
  'optimi',
  'debug',
  'refactor',
  'algorithm',
  'theorem',
  'complexity',
  'strategy',
  'evaluate',
  'plan ',
];
const EASY_CUES = ['classify', 'translate', 'summarize', 'summarise', 'extract', 'sentiment', 'yes or no', 'one word', 'label', 'spell'];
const SCAN_LIMIT = 4000;

/**
 * Scores a request's complexity in [0, 1].
 * @param promptTokens the router's estimate, so length costs nothing to measure
 */
export function complexityScore(body: ChatCompletionCreateParams, promptTokens: number): number {
  const text = lastUserText(body);
  const lower = (text.length > SCAN_LIMIT ? text.slice(0, SCAN_LIMIT) : text).toLowerCase();
  // Length: 100 tokens ≈ 0.06, 1,500 ≈ 0.5, 8,000 ≈ 0.84 of its weight.
  let score = 0.1 + 0.4 * (promptTokens / (promptTokens + 1500));
  let hard = 0;
  for (const cue of HARD_CUES) if (lower.includes(cue)) hard++;
  score += Math.min(0.4, hard * 0.12);
  for (const cue of EASY_CUES) {
    if (lower.includes(cue)) {
      score -= 0.15;
      break;
    }
  }
  if (lower.includes('```') || lower.includes('function ') || lower.includes('=>') || lower.includes('def ')) score += 0.15;
  if (/[=^√∑∫]|\\frac|\d\s*[*/^]\s*\d/.test(lower)) score += 0.08;
  if ((body.tools?.length ?? 0) > 0) score += 0.08;
  if (body.response_format?.type === 'json_schema') score += 0.05;
  if (body.reasoning_effort != null) score += 0.3;
  if (body.messages.length > 6) score += 0.08;
  return score < 0 ? 0 : score > 1 ? 1 : score;
}

function lastUserText(body: ChatCompletionCreateParams): string {
  for (let i = body.messages.length - 1; i >= 0; i--) {
    const m = body.messages[i]!;
    if (m.role !== 'user') continue;
    const content = (m as { content?: unknown }).content;
    if (typeof content === 'string') return content;
    if (Array.isArray(content)) {
      let out = '';
      for (const p of content as Array<{ type?: string; text?: string }>) if (p.type === 'text' && p.text) out += p.text + '\n';
      return out;
    }
  }
  return '';
}

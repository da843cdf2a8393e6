/**
 * How a stream cut mid-answer is continued on another model, without lost or repeated text.
 *
 * - Anthropic accepts an assistant prefill (a final assistant turn the model continues
 *   from). It refuses a prefill that ends in whitespace, so trailing whitespace is held
 *   back from the prefill and, when the model starts by writing it again, not repeated.
 * - Other providers get the delivered text as an assistant turn followed by a user
 *   instruction to continue from the next character. Models often restart the sentence (or
 *   the whole answer) anyway, so the continuation's opening is held until it is known
 *   whether it repeats the end of what was delivered; a repeated prefix is removed.
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import type { ModelEntry } from '../../spec/model-entry.js';

export type ContinuationMethod = 'prefill' | 'instruction';

/** The instruction sent to targets without prefill (kept short: it costs prompt tokens). */
export const CONTINUE_INSTRUCTION =
  'Your previous answer was cut off. Continue it exactly where it stopped: do not repeat any of it, do not comment, start with the next character.';

/** Models whose API continues a final assistant turn (Anthropic, and those declared `assistantPrefill`). */
export function supportsPrefill(entry: ModelEntry): boolean {
  return entry.assistantPrefill;
}

export interface ContinuationRequest {
  body: ChatCompletionCreateParams;
  method: ContinuationMethod;
  /** Trailing whitespace left out of a prefill (the model may write it again). */
  heldWhitespace: string;
}

/** The request that continues `delivered` on `entry`. */
export function continuationBody(body: ChatCompletionCreateParams, delivered: string, entry: ModelEntry): ContinuationRequest {
  if (!delivered) return { body, method: supportsPrefill(entry) ? 'prefill' : 'instruction', heldWhitespace: '' };
  if (supportsPrefill(entry)) {
    const trimmed = delivered.replace(/\s+$/u, '');
    const heldWhitespace = delivered.slice(trimmed.length);
    // An all-whitespace delivery has nothing to prefill with: ask from the start.
    if (!trimmed) return { body, method: 'prefill', heldWhitespace };
    return { body: { ...body, messages: [...body.messages, { role: 'assistant', content: trimmed }] }, method: 'prefill', heldWhitespace };
  }
  return {
    body: { ...body, messages: [...body.messages, { role: 'assistant', content: delivered }, { role: 'user', content: CONTINUE_INSTRUCTION }] },
    method: 'instruction',
    heldWhitespace: '',
  };
}

/** An overlap shorter than this is taken as coincidence (e.g. one shared letter), not a repeat. */
export const MIN_OVERLAP = 8;
/** A shorter repeat still counts when it restarts a word the cut split (e.g. "opens e" → "opens early"). */
export const MIN_WORD_OVERLAP = 4;
/** How much of the continuation is held, at most, to look for a repeated tail of the delivered text. */
export const OVERLAP_WINDOW = 256;

/**
 * Holds the start of a continuation until it is known whether it repeats delivered text:
 * a full restart (the continuation begins with everything delivered), the end of the
 * delivered text written again (at least MIN_OVERLAP characters), or the whitespace a
 * prefill left out. `push` returns the text to pass on ('' while still deciding).
 */
export class OverlapTrimmer {
  private buf = '';
  private done = false;
  /** Characters removed as a repeat. */
  removed = 0;

  constructor(
    private readonly delivered: string,
    private readonly method: ContinuationMethod,
    private readonly heldWhitespace = '',
  ) {
    // A prefilled model continues the text itself; only the whitespace held back can repeat.
    if (!delivered || (method === 'prefill' && !heldWhitespace)) this.done = true;
  }

  get deciding(): boolean {
    return !this.done;
  }

  push(text: string): string {
    if (this.done) return text;
    this.buf += text;
    const d = this.delivered;
    const b = this.buf;
    if (this.method === 'prefill') {
      const w = this.heldWhitespace;
      if (b.length < w.length && w.startsWith(b)) return '';
      return this.cut(b.startsWith(w) ? w.length : 0);
    }
    if (b.startsWith(d)) return this.cut(d.length);
    // Still writing the delivered text again from its start: wait until it diverges or completes.
    if (d.startsWith(b)) return '';
    if (b.length < Math.min(d.length, OVERLAP_WINDOW)) return '';
    return this.cut(this.overlap());
  }

  /** The continuation's text ended (or something else follows it): decide with what is held. */
  flush(): string {
    if (this.done) return '';
    const b = this.buf;
    if (this.method === 'prefill') return this.cut(b.startsWith(this.heldWhitespace) ? this.heldWhitespace.length : 0);
    // A continuation that only repeated part of the delivered start is entirely a repeat.
    if (this.delivered.startsWith(b) && b.length >= MIN_OVERLAP) return this.cut(b.length);
    return this.cut(this.overlap());
  }

  /**
   * The longest prefix of what is held that the delivered text ends with: at least
   * MIN_OVERLAP characters, or MIN_WORD_OVERLAP when it starts at a word start of the
   * delivered text (a model that restarts the word it was cut in).
   */
  private overlap(): number {
    const b = this.buf;
    const d = this.delivered;
    for (let k = Math.min(b.length, d.length); k >= MIN_WORD_OVERLAP; k--) {
      if (!d.endsWith(b.slice(0, k))) continue;
      if (k >= MIN_OVERLAP) return k;
      const before = d.length - k - 1;
      if ((before < 0 || /\s/u.test(d[before]!)) && !/\s/u.test(b[0]!)) return k;
    }
    return 0;
  }

  private cut(k: number): string {
    this.done = true;
    this.removed = k;
    const out = this.buf.slice(k);
    this.buf = '';
    return out;
  }
}

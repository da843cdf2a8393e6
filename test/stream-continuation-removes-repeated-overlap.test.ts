/**
 * The overlap rule on its own: what a continuation writes again is removed, what only
 * looks alike is kept, and nothing is passed on before it is decided.
 */
import { describe, expect, it } from 'vitest';
import { OverlapTrimmer } from '../src/pipeline/execute/stream-continuation.js';

function feed(t: OverlapTrimmer, parts: string[]): string {
  let out = '';
  for (const p of parts) out += t.push(p);
  return out + t.flush();
}

describe('OverlapTrimmer', () => {
  const delivered = 'Gulls wheel over moored boats, nets dry on stone';
  it('a full restart of the answer is removed', () => {
    const t = new OverlapTrimmer(delivered, 'instruction');
    expect(feed(t, ['Gulls wheel ', 'over moored boats, nets dry on stone', ' walls.'])).toBe(' walls.');
    expect(t.removed).toBe(delivered.length);
  });
  it('a restart of the last clause (8+ characters) is removed', () => {
    const t = new OverlapTrimmer(delivered, 'instruction');
    expect(feed(t, ['nets dry on ', 'stone walls.'])).toBe(' walls.');
  });
  it('a restart of the word the cut split is removed', () => {
    const t = new OverlapTrimmer('and a baker opens e', 'instruction');
    expect(feed(t, ['opens early', ' shutters'])).toBe('arly shutters');
  });
  it('an exact continuation is passed on whole', () => {
    const t = new OverlapTrimmer(delivered, 'instruction');
    expect(feed(t, [' walls, and', ' a baker'])).toBe(' walls, and a baker');
    expect(t.removed).toBe(0);
  });
  it('a short coincidence inside a word is not taken for a repeat', () => {
    // "one" ends the delivered text and starts the continuation, but not at a word start.
    const t = new OverlapTrimmer('on stone', 'instruction');
    expect(feed(t, ['ne walls'])).toBe('ne walls');
  });
  it('after a prefill, only the whitespace held back from it can repeat', () => {
    const t = new OverlapTrimmer('dawn: ', 'prefill', ' ');
    expect(feed(t, [' gulls'])).toBe('gulls');
    const u = new OverlapTrimmer('dawn: ', 'prefill', ' ');
    expect(feed(u, ['gulls'])).toBe('gulls');
  });
  it('nothing is passed on while the opening could still be a repeat', () => {
    const t = new OverlapTrimmer(delivered, 'instruction');
    expect(t.push('Gulls wheel')).toBe('');
    expect(t.deciding).toBe(true);
  });
});

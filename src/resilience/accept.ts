/** Cascade acceptance checks: is this answer good enough, or escalate? */
import type { ChatCompletion } from 'openai/resources/chat/completions';
import type { AcceptCheck, AcceptInput } from '../config/accept-check.js';

function content(c: ChatCompletion): string {
  return c.choices[0]?.message.content ?? '';
}

function parsesAsJson(text: string): { ok: boolean; value?: unknown } {
  // Models often fence JSON in markdown; a fenced block still counts.
  const fenced = /^\s*```(?:json)?\s*([\s\S]*?)\s*```\s*$/.exec(text);
  try {
    return { ok: true, value: JSON.parse(fenced ? fenced[1]! : text) };
  } catch {
    return { ok: false };
  }
}

/** Runs one check; resolves to a rejection reason, or undefined when accepted. */
export async function runAccept(check: AcceptCheck, input: AcceptInput): Promise<string | undefined> {
  const c = input.completion;
  if (check === 'non-empty') {
    const msg = c.choices[0]?.message;
    return content(c).trim() || msg?.tool_calls?.length ? undefined : 'empty answer';
  }
  if (check === 'not-truncated') return c.choices.some((x) => x.finish_reason === 'length') ? "truncated (finish_reason 'length')" : undefined;
  if (check === 'json') return parsesAsJson(content(c)).ok ? undefined : 'not valid JSON';
  if (typeof check === 'function') {
    try {
      return (await check(input)) ? undefined : 'rejected by accept()';
    } catch (err) {
      return `accept() threw: ${(err as Error)?.message ?? String(err)}`;
    }
  }
  const parsed = parsesAsJson(content(c));
  if (!parsed.ok) return 'not valid JSON';
  return check.safeParse(parsed.value).success ? undefined : 'does not match the schema';
}

export async function acceptAll(checks: readonly AcceptCheck[], input: AcceptInput): Promise<string | undefined> {
  for (const check of checks) {
    const why = await runAccept(check, input);
    if (why) return why;
  }
  return undefined;
}

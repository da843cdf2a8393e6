/**
 * One validation of a chat request body before routing, so every provider sees the same
 * answer to the same mistake: a 400 BadRequestError whose message and `param` name the
 * path (`messages[2].content`), never a TypeError from deep inside one adapter, nor a
 * 500. Hand-written rather than a zod schema: it runs on every call and must cost
 * microseconds, and it checks only what the adapters rely on, leaving the rest of
 * OpenAI's vocabulary to the provider.
 */
import { BadRequestError } from 'openai/core/error';

const ROLES = new Set(['system', 'developer', 'user', 'assistant', 'tool', 'function']);
// looksValid() reads each of these by name: a name added here must be added there too.
const NUMERIC = ['max_tokens', 'max_completion_tokens', 'n', 'temperature', 'top_p', 'presence_penalty', 'frequency_penalty', 'seed', 'top_logprobs'] as const;
/** Deeper than any real request; deeper is almost surely a cycle or an attack. */
const MAX_DEPTH = 64;

export function invalidRequest(param: string, problem: string): BadRequestError {
  const message = `Invalid request: '${param}' ${problem}`;
  return new BadRequestError(400, { message, param, type: 'invalid_request_error', code: 'invalid_request' }, message, new Headers());
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Throws a 400 naming the first problem found; returns normally for a body the adapters can map. */
export function validateChatBody(body: unknown): void {
  // The common valid body passes a check that builds no path strings and no Set; anything
  // it does not vouch for takes the full walk below, which names the first problem.
  if (looksValid(body)) return;
  if (!isObject(body)) throw invalidRequest('body', 'must be a JSON object');
  const messages = body.messages;
  if (!Array.isArray(messages)) throw invalidRequest('messages', 'is required and must be an array');
  for (let i = 0; i < messages.length; i++) checkMessage(messages[i], `messages[${i}]`);
  if (body.model !== undefined && body.model !== null && typeof body.model !== 'string') throw invalidRequest('model', 'must be a string');
  for (const k of NUMERIC) {
    const v = body[k];
    if (v === undefined || v === null) continue;
    if (typeof v !== 'number' || !Number.isFinite(v)) throw invalidRequest(k, `must be a finite number (got ${typeof v === 'bigint' ? 'a BigInt' : typeof v === 'number' ? String(v) : typeof v})`);
  }
  if (body.tools !== undefined && body.tools !== null) {
    if (!Array.isArray(body.tools)) throw invalidRequest('tools', 'must be an array of tools');
    body.tools.forEach((t, i) => {
      const p = `tools[${i}]`;
      if (!isObject(t)) throw invalidRequest(p, 'must be an object');
      if (typeof t.type !== 'string') throw invalidRequest(`${p}.type`, 'must be a string');
      if (t.type === 'function') {
        if (!isObject(t.function)) throw invalidRequest(`${p}.function`, 'must be an object');
        if (typeof t.function.name !== 'string' || t.function.name === '') throw invalidRequest(`${p}.function.name`, 'must be a non-empty string');
      }
    });
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') throw invalidRequest('stream', 'must be a boolean');
  if (body.stop !== undefined && body.stop !== null && typeof body.stop !== 'string' && !(Array.isArray(body.stop) && body.stop.every((s) => typeof s === 'string'))) {
    throw invalidRequest('stop', 'must be a string or an array of strings');
  }
  // Whatever else it holds must be sendable as JSON: no BigInt, no function, no cycle.
  checkJson(body, 'body', new Set(), 0);
}

function checkMessage(m: unknown, p: string): void {
  if (!isObject(m)) throw invalidRequest(p, `must be a message object (got ${m === null ? 'null' : typeof m})`);
  if (typeof m.role !== 'string' || !ROLES.has(m.role)) throw invalidRequest(`${p}.role`, `must be one of ${[...ROLES].join(', ')}`);
  const c = m.content;
  if (c !== undefined && c !== null && typeof c !== 'string') {
    if (!Array.isArray(c)) throw invalidRequest(`${p}.content`, `must be a string or an array of content parts (got ${typeof c === 'bigint' ? 'a BigInt' : typeof c})`);
    c.forEach((part, j) => {
      const pp = `${p}.content[${j}]`;
      if (!isObject(part)) throw invalidRequest(pp, 'must be a content part object');
      if (typeof part.type !== 'string') throw invalidRequest(`${pp}.type`, 'must be a string');
      if (part.type === 'text' && typeof part.text !== 'string') throw invalidRequest(`${pp}.text`, 'must be a string');
    });
  }
  if (m.tool_calls !== undefined && m.tool_calls !== null) {
    if (!Array.isArray(m.tool_calls)) throw invalidRequest(`${p}.tool_calls`, 'must be an array');
    m.tool_calls.forEach((t, j) => {
      if (!isObject(t)) throw invalidRequest(`${p}.tool_calls[${j}]`, 'must be an object');
    });
  }
  if (m.role === 'tool' && m.tool_call_id !== undefined && typeof m.tool_call_id !== 'string') throw invalidRequest(`${p}.tool_call_id`, 'must be a string');
}

function checkJson(v: unknown, p: string, seen: Set<object>, depth: number): void {
  const t = typeof v;
  if (t === 'bigint') throw invalidRequest(p, 'is a BigInt, which JSON cannot carry');
  if (t === 'function' || t === 'symbol') throw invalidRequest(p, `is a ${t}, which JSON cannot carry`);
  if (t === 'number' && !Number.isFinite(v as number)) throw invalidRequest(p, `is ${String(v)}, which JSON cannot carry`);
  if (t !== 'object' || v === null) return;
  if (depth > MAX_DEPTH) throw invalidRequest(p, `nests deeper than ${MAX_DEPTH} levels`);
  const o = v as object;
  if (seen.has(o)) throw invalidRequest(p, 'refers back to itself (a cyclic structure cannot be sent as JSON)');
  // toJSON (Dates, user classes) decides its own serialisation.
  if (typeof (o as { toJSON?: unknown }).toJSON === 'function') return;
  seen.add(o);
  if (Array.isArray(o)) for (let i = 0; i < o.length; i++) checkJson(o[i], `${p}[${i}]`, seen, depth + 1);
  else for (const k in o) if (Object.hasOwn(o, k)) checkJson((o as Record<string, unknown>)[k], p === 'body' ? k : `${p}.${k}`, seen, depth + 1);
  seen.delete(o);
}

/** A numeric parameter the full walk accepts: absent, null or a finite number. */
function finiteOrAbsent(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'number' && Number.isFinite(v));
}

/**
 * True only for a body validateChatBody's full walk would accept (the same checks, in
 * no particular order, without paths). False means "look closer", not "invalid": a cycle,
 * for one, shows up here only as depth, and the full walk says what it is.
 */
function looksValid(body: unknown): boolean {
  if (!isObject(body)) return false;
  const messages = body.messages;
  if (!Array.isArray(messages)) return false;
  for (let i = 0; i < messages.length; i++) if (!messageLooksValid(messages[i])) return false;
  if (body.model !== undefined && body.model !== null && typeof body.model !== 'string') return false;
  // NUMERIC, one named read each: `body[NUMERIC[i]]` was a megamorphic keyed load per
  // name (~150 instructions each, most of them for names the body does not have).
  if (
    !finiteOrAbsent(body.max_tokens) ||
    !finiteOrAbsent(body.max_completion_tokens) ||
    !finiteOrAbsent(body.n) ||
    !finiteOrAbsent(body.temperature) ||
    !finiteOrAbsent(body.top_p) ||
    !finiteOrAbsent(body.presence_penalty) ||
    !finiteOrAbsent(body.frequency_penalty) ||
    !finiteOrAbsent(body.seed) ||
    !finiteOrAbsent(body.top_logprobs)
  ) {
    return false;
  }
  const tools = body.tools;
  if (tools !== undefined && tools !== null) {
    if (!Array.isArray(tools)) return false;
    for (let i = 0; i < tools.length; i++) {
      const t: unknown = tools[i];
      if (!isObject(t) || typeof t.type !== 'string') return false;
      if (t.type === 'function' && (!isObject(t.function) || typeof t.function.name !== 'string' || t.function.name === '')) return false;
    }
  }
  if (body.stream !== undefined && body.stream !== null && typeof body.stream !== 'boolean') return false;
  const stop = body.stop;
  if (stop !== undefined && stop !== null && typeof stop !== 'string') {
    if (!Array.isArray(stop)) return false;
    for (let i = 0; i < stop.length; i++) if (typeof stop[i] !== 'string') return false;
  }
  return jsonSafe(body, 0);
}

function messageLooksValid(m: unknown): boolean {
  if (!isObject(m) || typeof m.role !== 'string' || !ROLES.has(m.role)) return false;
  const c = m.content;
  if (c !== undefined && c !== null && typeof c !== 'string') {
    if (!Array.isArray(c)) return false;
    for (let j = 0; j < c.length; j++) {
      const part: unknown = c[j];
      if (!isObject(part) || typeof part.type !== 'string') return false;
      if (part.type === 'text' && typeof part.text !== 'string') return false;
    }
  }
  const calls = m.tool_calls;
  if (calls !== undefined && calls !== null) {
    if (!Array.isArray(calls)) return false;
    for (let j = 0; j < calls.length; j++) if (!isObject(calls[j])) return false;
  }
  return !(m.role === 'tool' && m.tool_call_id !== undefined && typeof m.tool_call_id !== 'string');
}

/** checkJson() as a yes/no, without the seen-set: a cycle fails on depth instead. */
function jsonSafe(v: unknown, depth: number): boolean {
  const t = typeof v;
  if (t === 'string' || t === 'boolean' || t === 'undefined') return true;
  if (t === 'number') return Number.isFinite(v as number);
  if (t !== 'object') return false;
  if (v === null) return true;
  if (depth > MAX_DEPTH) return false;
  const o = v as object;
  if (typeof (o as { toJSON?: unknown }).toJSON === 'function') return true;
  if (Array.isArray(o)) {
    for (let i = 0; i < o.length; i++) if (!jsonSafe(o[i], depth + 1)) return false;
    return true;
  }
  for (const k in o) if (Object.hasOwn(o, k) && !jsonSafe((o as Record<string, unknown>)[k], depth + 1)) return false;
  return true;
}

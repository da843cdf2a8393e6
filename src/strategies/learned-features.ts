/**
 * The features the learned router and the kNN router read from a request, computed in one
 * pass over a bounded window of characters, with no per-token string allocation.
 *
 * - The question: the END of the last user turn (up to `window` characters). In long prompts
 *   the instructions or documents come first and the question last, so the tail is what
 *   differs between requests.
 * - The system prompt, hashed into its own namespace: one bucket for its identity (which app
 *   or template sent the request) and its first words.
 * - The task label (`routing.taskType`): one weight per label seen in training, and nothing
 *   at all for a label the model has never seen.
 * - A few dense shape features (length, digits, code, maths, turns, …).
 */
import type { ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { messageText } from '../internal/message-text.js';

/** Dense prompt features, all roughly in [0, 1]. */
export const DENSE_FEATURES = ['length', 'digits', 'numbers', 'lines', 'code', 'math', 'questions', 'turns', 'system'] as const;

/** What the features are read from. */
export interface PromptParts {
  /** The last user turn (its end is read). */
  question: string;
  /** System and developer messages, joined. @default '' */
  system?: string | undefined;
  /** Messages in the conversation. @default 1 */
  turns?: number | undefined;
}

/** The shape a feature vector is built for. */
export interface FeatureSpace {
  /** Hash buckets for the question's n-grams and the system prompt. */
  dim: number;
  /** Longest word n-gram hashed (1 = words, 2 = words and pairs). */
  ngrams: number;
  /** Characters read from the end of the question. */
  window: number;
  /** Whether `routing.taskType` is a feature. */
  taskFeature: boolean;
  /** The task labels with a weight of their own (those seen in training). */
  tasks: readonly string[];
}

/**
 * A sparse feature vector: bucket indices in [0, dim) (may repeat) with values, the dense
 * part, and the task label's slot (-1: no label, or one the model has not seen).
 */
export interface Features {
  idx: number[];
  val: number[];
  dense: number[];
  task: number;
}

/**
 * Routing features as a DecisionRecord stores them: enough to train on without the prompt.
 * `task` is the raw label, so a model trained later maps it to its own label list.
 */
export interface RecordedFeatures {
  kind: 'hashed-ngrams@3';
  dim: number;
  ngrams: number;
  window: number;
  idx: number[];
  val: number[];
  dense: number[];
  task?: string | undefined;
}

export const DEFAULT_WINDOW = 600;
const SYSTEM_WORDS_CHARS = 600;
const SYSTEM_ID_CHARS = 2000;
const FNV_OFFSET = 0x811c9dc5;
const FNV_PRIME = 0x01000193;
// Namespaces keep words, pairs, system words and the system identity in different buckets.
const NS_WORD = 0x9e3779b1;
const NS_PAIR = 0x85ebca77;
const NS_SYS = 0xc2b2ae3d;
const NS_SYSID = 0x27d4eb2f;
const HASH_NUMBER = 0x2f1a3b5c;
// Fibonacci hashing: one multiply spreads a token hash over the high bits, which pick the bucket.
const GOLDEN = 0x9e3779b1 | 0;

function fmix(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

const taskIndexCache = new WeakMap<readonly string[], Map<string, number>>();
function taskIndex(tasks: readonly string[], label: string | undefined): number {
  if (label === undefined || tasks.length === 0) return -1;
  let map = taskIndexCache.get(tasks);
  if (!map) {
    map = new Map(tasks.map((t, i) => [t, i]));
    taskIndexCache.set(tasks, map);
  }
  return map.get(label) ?? -1;
}

function isSpace(c: number): boolean {
  return c === 32 || c === 10 || c === 9 || c === 13 || c === 12 || c === 11 || c === 160;
}

interface ShapeCounts {
  digits: number;
  numbers: number;
  lines: number;
  questions: number;
  math: number;
  code: number;
}

/** A 32-bit hash to [0, dim) by multiply-shift (exact in doubles; avoids a floating-point modulo). */
function bucket(h: number, dim: number): number {
  return (h * dim * INV_2_32) | 0;
}
const INV_2_32 = 1 / 4294967296;

// One scratch buffer for the buckets of a request, grown to the largest window seen: the hot
// loop writes typed slots instead of growing an array, and the result is copied out once.
let scratch = new Int32Array(4096);
let out = 0;

// Character classes of the tokenizer, by char code (codes ≥ 128 are OTHER unless a space).
const OTHER = 0;
const LETTER = 1;
const DIGIT = 2;
const SPACE = 3;
const CLASS = new Uint8Array(128);
for (let c = 0; c < 128; c++) CLASS[c] = (c >= 65 && c <= 90) || (c >= 97 && c <= 122) ? LETTER : c >= 48 && c <= 57 ? DIGIT : isSpace(c) ? SPACE : OTHER;

/**
 * Hashes the tokens of text[start, end) into the scratch buffer from `out` on: runs of
 * letters (case-folded), runs of digits (by their length: values differ per question, their
 * size says more), and every other non-space character alone; with `ngrams` ≥ 2 also each
 * adjacent pair. One pass over char codes through a class table, no string allocated.
 */
function hashTokens(text: string, start: number, end: number, dim: number, ngrams: number, ns: number, shape: ShapeCounts): void {
  // At most one token per character, two buckets per token.
  const need = out + 2 * (end - start + 1);
  if (need > scratch.length) {
    const grown = new Int32Array(Math.max(need, scratch.length * 2));
    grown.set(scratch.subarray(0, out));
    scratch = grown;
  }
  const buf = scratch;
  let n = out;
  const pairs = ngrams >= 2;
  const scale = dim * INV_2_32;
  const nsPair = NS_PAIR ^ ns;
  let prev = 0;
  let hasPrev = false;
  let ticks = 0;
  let nDigits = 0;
  let nNumbers = 0;
  let nLines = 0;
  let nQuestions = 0;
  let nMath = 0;
  let code = shape.code;
  let i = start;
  while (i < end) {
    let c = text.charCodeAt(i);
    const cls = c < 128 ? CLASS[c]! : c === 160 ? SPACE : OTHER;
    if (cls === SPACE) {
      if (c === 10) nLines++;
      ticks = 0;
      i++;
      continue;
    }
    let t: number;
    if (cls === LETTER) {
      // A run of letters, case-folded, is one token.
      t = FNV_OFFSET;
      do {
        t = Math.imul(t ^ (c | 32), FNV_PRIME);
        if (++i >= end) break;
        c = text.charCodeAt(i);
      } while (c < 128 && CLASS[c] === LETTER);
      ticks = 0;
    } else if (cls === DIGIT) {
      // A run of digits is one token by its length: values differ per question, size says more.
      let digits = 0;
      do {
        digits++;
        if (++i >= end) break;
        c = text.charCodeAt(i);
      } while (c >= 48 && c <= 57);
      nDigits += digits;
      // "3.5" is one number for the shape counts (two tokens for the hash).
      if (!(i < end && c === 46 && i + 1 < end && text.charCodeAt(i + 1) >= 48 && text.charCodeAt(i + 1) <= 57)) nNumbers++;
      t = Math.imul(HASH_NUMBER ^ (digits < 12 ? digits : 12), FNV_PRIME);
      ticks = 0;
    } else {
      // Any other character is a token of its own.
      t = Math.imul(FNV_OFFSET ^ c, FNV_PRIME) ^ 0x5bd1e995;
      if (c === 96) {
        if (++ticks === 3) code = 1;
      } else {
        ticks = 0;
        if (c === 63) nQuestions++;
        else if (c === 43 || c === 42 || c === 47 || c === 61 || c === 94 || c === 37 || c === 36) nMath++;
      }
      i++;
    }
    buf[n++] = ((Math.imul(t ^ ns, GOLDEN) >>> 0) * scale) | 0;
    if (pairs && hasPrev) buf[n++] = ((Math.imul(Math.imul(prev, 31) ^ t ^ nsPair, GOLDEN) >>> 0) * scale) | 0;
    prev = t;
    hasPrev = true;
  }
  out = n;
  shape.digits += nDigits;
  shape.numbers += nNumbers;
  shape.lines += nLines;
  shape.questions += nQuestions;
  shape.math += nMath;
  shape.code = code;
}

/** The system prompt's buckets and values: the same for every request of an app, so kept per dim. */
interface SystemBuckets {
  idx: Int32Array;
  val: number;
}
const SYSTEM_CACHE_SIZE = 64;
const systemCache = new Map<number, Map<string, SystemBuckets>>();

function systemBuckets(system: string, dim: number): SystemBuckets {
  let perDim = systemCache.get(dim);
  if (!perDim) {
    perDim = new Map();
    systemCache.set(dim, perDim);
  }
  // A Map lookup by string uses the engine's cached string hash: O(1) for the same string object.
  const hit = perDim.get(system);
  if (hit) return hit;
  let h = FNV_OFFSET;
  const idEnd = Math.min(system.length, SYSTEM_ID_CHARS);
  for (let i = 0; i < idEnd; i++) h = Math.imul(h ^ system.charCodeAt(i), FNV_PRIME);
  const first = bucket(fmix(h ^ Math.imul(system.length, 0x9e3779b1) ^ NS_SYSID), dim);
  // Hashed after the question's buckets in the scratch buffer, then taken out again.
  const saved = out;
  hashTokens(system, 0, Math.min(system.length, SYSTEM_WORDS_CHARS), dim, 1, NS_SYS, { digits: 0, numbers: 0, lines: 0, questions: 0, math: 0, code: 0 });
  const nSys = out - saved;
  const idx = new Int32Array(nSys + 1);
  idx[0] = first;
  idx.set(scratch.subarray(saved, out), 1);
  out = saved;
  const entry = { idx, val: nSys > 0 ? 0.5 / Math.sqrt(nSys) : 0 };
  if (perDim.size >= SYSTEM_CACHE_SIZE) perDim.clear();
  perDim.set(system, entry);
  return entry;
}

/** The features the predictors read; the same code runs in training and at request time. */
export function featurize(input: string | PromptParts, taskType: string | undefined, space: Pick<FeatureSpace, 'dim' | 'ngrams' | 'taskFeature'> & Partial<Pick<FeatureSpace, 'window' | 'tasks'>>): Features {
  const parts: PromptParts = typeof input === 'string' ? { question: input } : input;
  const text = parts.question ?? '';
  const dim = space.dim;
  const window = space.window ?? DEFAULT_WINDOW;
  let start = text.length > window ? text.length - window : 0;
  // Start on a word boundary so the first token is not a fragment.
  if (start > 0) {
    const stop = Math.min(text.length, start + 40);
    while (start < stop && !isSpace(text.charCodeAt(start))) start++;
  }
  const end = text.length;
  const shape: ShapeCounts = { digits: 0, numbers: 0, lines: 0, questions: 0, math: 0, code: 0 };
  out = 0;
  hashTokens(text, start, end, dim, space.ngrams, NS_WORD, shape);
  const nText = out;
  const system = parts.system ?? '';
  const sys = system.length > 0 ? systemBuckets(system, dim) : undefined;
  const total = nText + (sys ? sys.idx.length : 0);
  const idx: number[] = new Array<number>(total);
  const val: number[] = new Array<number>(total);
  const norm = nText > 0 ? 1 / Math.sqrt(nText) : 0;
  for (let i = 0; i < nText; i++) {
    idx[i] = scratch[i]!;
    val[i] = norm;
  }
  if (sys) {
    idx[nText] = sys.idx[0]!;
    val[nText] = 0.5;
    for (let i = 1; i < sys.idx.length; i++) {
      idx[nText + i] = sys.idx[i]!;
      val[nText + i] = sys.val;
    }
  }

  const { digits, numbers, lines, questions, math, code } = shape;
  const n = Math.max(1, end - start);
  const dense = [
    Math.log1p(text.length) / 10,
    digits / n,
    Math.log1p(numbers) / 4,
    Math.log1p(lines) / 4,
    code,
    (math / n) * 10,
    Math.log1p(questions) / 2,
    Math.log1p(Math.max(0, (parts.turns ?? 1) - 1)) / 3,
    Math.log1p(system.length) / 10,
  ];
  const task = space.taskFeature ? taskIndex(space.tasks ?? [], taskType) : -1;
  return { idx, val, dense, task };
}

/** The request's parts the features read: the last user turn, the system prompt, the turn count. */
export function promptParts(body: ChatCompletionCreateParams): PromptParts {
  const msgs = body.messages ?? [];
  let question = '';
  let found = false;
  let system = '';
  for (let i = msgs.length - 1; i >= 0; i--) {
    const m = msgs[i]!;
    if (!found && m.role === 'user') {
      question = messageText(m);
      found = true;
    } else if (m.role === 'system' || m.role === 'developer') {
      const t = messageText(m);
      system = system ? `${t}\n${system}` : t;
    }
  }
  if (!found && msgs.length > 0) question = messageText(msgs[msgs.length - 1]!);
  return { question, system, turns: msgs.length };
}

/** Features as a record stores them (JSON, the task label kept as text). */
export function recordFeatures(f: Features, space: Pick<FeatureSpace, 'dim' | 'ngrams' | 'window'>, taskType: string | undefined): RecordedFeatures {
  const dense = new Array<number>(f.dense.length);
  for (let i = 0; i < dense.length; i++) dense[i] = Math.round(f.dense[i]! * 1e5) / 1e5;
  return {
    kind: 'hashed-ngrams@3',
    dim: space.dim,
    ngrams: space.ngrams,
    window: space.window,
    idx: f.idx,
    val: f.val,
    dense,
    ...(taskType !== undefined ? { task: taskType } : {}),
  };
}

/** Features back from a record, for a model with this shape; throws when the shapes differ. */
export function fromRecordedFeatures(r: RecordedFeatures, space: FeatureSpace): Features {
  if (r.kind !== 'hashed-ngrams@3') throw new TypeError(`recorded features of kind '${String(r.kind)}' cannot be read (expected 'hashed-ngrams@3')`);
  if (r.dim !== space.dim || r.ngrams !== space.ngrams || r.window !== space.window) {
    throw new TypeError(`recorded features were hashed with dim ${r.dim}, ngrams ${r.ngrams}, window ${r.window}; this model uses dim ${space.dim}, ngrams ${space.ngrams}, window ${space.window}`);
  }
  if (r.dense.length !== DENSE_FEATURES.length) throw new TypeError(`recorded features hold ${r.dense.length} dense values (expected ${DENSE_FEATURES.length})`);
  return { idx: r.idx, val: r.val, dense: r.dense, task: space.taskFeature ? taskIndex(space.tasks, r.task) : -1 };
}

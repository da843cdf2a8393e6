/**
 * The configuration most routers start with, vouched for without zod: only `providers`
 * (OpenAI, Anthropic or Google, plain fields) and `models` (plain descriptors). zod's
 * first schema construction and parse cost ~20–30 ms of CPU in a fresh process, a fifth
 * of the package's share of a cold start; this walk costs microseconds.
 *
 * It returns exactly what optionsSchema() would (the same values, keys in the schema's
 * order, new objects and arrays) or `undefined` for anything it does not vouch for — an
 * option or field it does not know, a value it is not sure the schema accepts as given, a
 * key present with `undefined`, an object that is not plain — and then zod parses, so
 * every error still reads as the schema reports it. A test compares both on every field.
 */
import { MAX_TIMER_MS } from './timer-limit.js';

type Plain = Record<string, unknown>;
type Check = (v: unknown) => boolean;

const isPlain = (v: unknown): v is Plain => typeof v === 'object' && v !== null && Object.getPrototypeOf(v) === Object.prototype && Object.getOwnPropertySymbols(v).length === 0;
const isArray = (v: unknown): v is unknown[] => Array.isArray(v) && Object.getPrototypeOf(v) === Array.prototype;

const str: Check = (v) => typeof v === 'string';
const nonEmpty: Check = (v) => typeof v === 'string' && v.length > 0;
const bool: Check = (v) => typeof v === 'boolean';
const finite = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v);
const nonNegative: Check = (v) => finite(v) && v >= 0;
const positiveInt: Check = (v) => Number.isSafeInteger(v) && (v as number) > 0;
const unit: Check = (v) => finite(v) && v >= 0 && v <= 1;
const duration: Check = (v) => positiveInt(v) && (v as number) <= MAX_TIMER_MS;
const oneOf = (...values: string[]): Check => (v) => typeof v === 'string' && values.includes(v);
// As zod's url check: a string the WHATWG parser accepts, kept as given; only strings
// zod would keep unchanged (no surrounding space, no tab or newline) are vouched for.
const url: Check = (v) => typeof v === 'string' && v === v.trim() && !/[\t\n\r]/.test(v) && /^https?:\/\//i.test(v) && URL.canParse(v);

/** A string-keyed record, each value copied by `copy`; undefined when not vouched for. */
function record(v: unknown, copy: (value: unknown) => unknown): Plain | undefined {
  if (!isPlain(v)) return undefined;
  const keys = Object.keys(v);
  // A non-enumerable own key is read by zod's record too: not vouched for.
  if (Object.getOwnPropertyNames(v).length !== keys.length) return undefined;
  const out: Plain = {};
  for (const key of keys) {
    if (key === '' || key === '__proto__') return undefined;
    const value = copy(v[key]);
    if (value === undefined) return undefined;
    out[key] = value;
  }
  return out;
}

const headers = (v: unknown): unknown => record(v, (h) => (typeof h === 'string' ? h : undefined));

/** A field: its check, or a function that copies a nested value (undefined = not vouched for). */
type Field = Check | { copy: (v: unknown) => unknown };

/** A strict object's fields in the schema's order, copied into a new object; undefined when not vouched for. */
function strict(v: unknown, fields: ReadonlyArray<readonly [string, Field]>): Plain | undefined {
  if (!isPlain(v)) return undefined;
  let known = 0;
  const out: Plain = {};
  for (const [key, field] of fields) {
    if (!Object.hasOwn(v, key)) continue;
    known++;
    const value = v[key];
    if (typeof field === 'function') {
      if (!field(value)) return undefined;
      out[key] = value;
    } else {
      const copied = field.copy(value);
      if (copied === undefined) return undefined;
      out[key] = copied;
    }
  }
  // Any other key (or a non-enumerable one) is zod's to report.
  return known === Object.keys(v).length && known === Object.getOwnPropertyNames(v).length ? out : undefined;
}

const COMMON: ReadonlyArray<readonly [string, Field]> = [
  ['apiKey', nonEmpty],
  ['baseURL', url],
  ['defaultHeaders', { copy: headers }],
  ['timeout', duration],
];
const PROVIDER_FIELDS: Record<string, ReadonlyArray<readonly [string, Field]>> = {
  // `client` (an SDK instance) is left to zod.
  openai: [['type', (v) => v === 'openai'], ...COMMON, ['organization', str], ['project', str]],
  anthropic: [['type', (v) => v === 'anthropic'], ...COMMON],
  google: [['type', (v) => v === 'google'], ...COMMON, ['apiVersion', nonEmpty], ['sdk', oneOf('auto', 'genai', 'generative-ai')]],
};

function provider(v: unknown): unknown {
  const type = isPlain(v) ? v.type : undefined;
  return typeof type === 'string' && Object.hasOwn(PROVIDER_FIELDS, type) ? strict(v, PROVIDER_FIELDS[type]!) : undefined;
}

const PRICING: ReadonlyArray<readonly [string, Field]> = [
  ['input', nonNegative],
  ['output', nonNegative],
  ['cachedInput', nonNegative],
  ['cacheWrite', nonNegative],
];
const CAPABILITIES: ReadonlyArray<readonly [string, Field]> = ['tools', 'vision', 'json_schema', 'streaming', 'reasoning'].map((k) => [k, bool] as const);

function strings(v: unknown): unknown {
  if (!isArray(v)) return undefined;
  const out: string[] = [];
  for (let i = 0; i < v.length; i++) {
    if (!(i in v) || typeof v[i] !== 'string') return undefined;
    out.push(v[i] as string);
  }
  return out;
}

const MODEL: ReadonlyArray<readonly [string, Field]> = [
  ['id', nonEmpty],
  ['provider', nonEmpty],
  ['model', nonEmpty],
  // Both must be there: a missing price is zod's to report.
  ['pricing', { copy: (v) => (isPlain(v) && Object.hasOwn(v, 'input') && Object.hasOwn(v, 'output') ? strict(v, PRICING) : undefined) }],
  ['contextWindow', positiveInt],
  ['maxOutputTokens', positiveInt],
  ['assistantPrefill', bool],
  ['capabilities', { copy: (v) => strict(v, CAPABILITIES) }],
  ['region', nonEmpty],
  ['quality', unit],
  ['tags', { copy: strings }],
  ['weight', nonNegative],
  ['kind', oneOf('chat', 'embedding')],
  ['dimensions', positiveInt],
  ['latencyMs', nonNegative],
  ['ttftMs', nonNegative],
];

const model = (v: unknown): unknown => (isPlain(v) && Object.hasOwn(v, 'id') && Object.hasOwn(v, 'provider') ? strict(v, MODEL) : undefined);

function models(v: unknown): unknown {
  if (!isArray(v) || v.length === 0) return undefined;
  const out: unknown[] = [];
  for (let i = 0; i < v.length; i++) {
    const m = i in v ? model(v[i]) : undefined;
    if (m === undefined) return undefined;
    out.push(m);
  }
  return out;
}

/** The parsed options when the configuration is only plain providers and models; otherwise undefined (zod decides). */
export function parsePlainConfig(options: unknown): Plain | undefined {
  if (!isPlain(options) || !Object.hasOwn(options, 'providers') || !Object.hasOwn(options, 'models')) return undefined;
  // The schema's order: providers before models.
  return strict(options, [
    ['providers', { copy: (v) => record(v, provider) }],
    ['models', { copy: models }],
  ]);
}

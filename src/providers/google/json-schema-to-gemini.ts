/**
 * JSON Schema → Gemini's OpenAPI 3.0 schema subset (tool parameters, responseSchema).
 *
 * Gemini has no references, no unions beyond "T or null", no intersections and no
 * map types. Rather than let the model ignore a constraint the caller relies on, the
 * conversion refuses such schemas with a 400 naming the JSON path. Keywords that are
 * pure annotations (and `additionalProperties: false`, Gemini's own default) are
 * dropped because dropping them cannot change what the model may produce.
 *
 * Types are written in upper case (`OBJECT`, `STRING`…): the REST API's `Type` enum,
 * which is what Google's own clients send in the recorded requests.
 */
import { providerError } from '../../errors/provider-error.js';
import type { GeminiSchema, GeminiType } from './gemini-wire.js';

type JsonSchema = Record<string, unknown>;

const TYPES: Record<string, GeminiType> = {
  string: 'STRING',
  number: 'NUMBER',
  integer: 'INTEGER',
  boolean: 'BOOLEAN',
  array: 'ARRAY',
  object: 'OBJECT',
};

/** Validation keywords Gemini's Schema understands under the same name. */
const KEPT = ['title', 'format', 'minimum', 'maximum', 'minItems', 'maxItems', 'minLength', 'maxLength', 'pattern', 'minProperties', 'maxProperties', 'default'];
/** Annotations and Gemini's defaults: safe to drop. */
const DROPPED = ['$schema', '$id', '$comment', 'examples', 'readOnly', 'writeOnly', 'deprecated', 'additionalProperties'];
const HANDLED = ['type', 'description', 'enum', 'const', 'properties', 'required', 'items', 'anyOf', 'oneOf', 'nullable'];

export function jsonSchemaToGemini(schema: unknown, path = '$'): GeminiSchema {
  if (!isObject(schema)) reject(path, 'a schema must be an object');
  const s = schema as JsonSchema;

  for (const key of Object.keys(s)) {
    if (key === 'additionalProperties' && s[key] !== false && s[key] !== true) {
      reject(`${path}.additionalProperties`, 'map types (additionalProperties with a schema) have no Gemini equivalent');
    }
    if (key === '$defs' || key === 'definitions') continue; // only harmful when referenced, and $ref is refused
    if (!KEPT.includes(key) && !DROPPED.includes(key) && !HANDLED.includes(key)) {
      reject(`${path}.${key}`, `'${key}' cannot be expressed in Gemini's schema subset`);
    }
  }

  const union = (s.anyOf ?? s.oneOf) as unknown;
  if (union !== undefined) return fromUnion(s, union, path, s.anyOf !== undefined ? 'anyOf' : 'oneOf');

  let nullable = s.nullable === true;
  let rawType = s.type;
  if (Array.isArray(rawType)) {
    const nonNull = rawType.filter((t) => t !== 'null');
    if (nonNull.length !== 1) reject(`${path}.type`, `a union of types ${JSON.stringify(rawType)} cannot be expressed (only one type, optionally with null)`);
    nullable ||= nonNull.length < rawType.length;
    rawType = nonNull[0];
  }
  if (rawType === undefined) {
    if (isObject(s.properties)) rawType = 'object';
    else if (s.items !== undefined) rawType = 'array';
    else if (Array.isArray(s.enum) || typeof s.const === 'string') rawType = 'string';
  }
  const type = typeof rawType === 'string' ? TYPES[rawType] : undefined;
  if (!type) reject(`${path}.type`, rawType === undefined ? 'a schema without a type cannot be expressed' : `type ${JSON.stringify(rawType)} cannot be expressed`);

  const out: GeminiSchema = { type };
  if (typeof s.description === 'string') out.description = s.description;
  if (nullable) out.nullable = true;
  for (const key of KEPT) if (s[key] !== undefined) out[key] = s[key];

  const values = s.enum ?? (s.const !== undefined ? [s.const] : undefined);
  if (values !== undefined) {
    const strings = Array.isArray(values) ? values.filter((v) => v !== null) : [];
    if (type !== 'STRING' || !strings.every((v) => typeof v === 'string')) {
      reject(`${path}.${s.enum !== undefined ? 'enum' : 'const'}`, 'Gemini enums must be strings');
    }
    out.enum = strings as string[];
    if (Array.isArray(values) && values.includes(null)) out.nullable = true;
  }

  if (type === 'OBJECT') {
    const props = s.properties ?? {};
    if (!isObject(props)) reject(`${path}.properties`, 'properties must be an object');
    out.properties = Object.fromEntries(
      Object.entries(props as JsonSchema).map(([k, v]) => [k, jsonSchemaToGemini(v, `${path}.properties.${k}`)]),
    );
    if (Array.isArray(s.required) && s.required.length > 0) out.required = s.required as string[];
  } else if (s.properties !== undefined || s.required !== undefined) {
    reject(`${path}.properties`, `properties on a non-object type`);
  }

  if (type === 'ARRAY') {
    if (Array.isArray(s.items)) reject(`${path}.items`, 'tuple schemas (items as an array) cannot be expressed');
    if (s.items === undefined) reject(`${path}.items`, 'Gemini requires items on an array schema');
    out.items = jsonSchemaToGemini(s.items, `${path}.items`);
  }
  return out;
}

/** `anyOf: [X, {type: 'null'}]` is how most generators write "nullable X"; that and a single branch are all Gemini can say. */
function fromUnion(s: JsonSchema, union: unknown, path: string, keyword: string): GeminiSchema {
  if (!Array.isArray(union)) reject(`${path}.${keyword}`, `${keyword} must be an array`);
  const branches = union as unknown[];
  const isNull = (b: unknown) => isObject(b) && b.type === 'null' && Object.keys(b).length === 1;
  const nonNull = branches.filter((b) => !isNull(b));
  if (nonNull.length !== 1 || (s.type !== undefined && s.type !== 'null')) {
    reject(`${path}.${keyword}`, `a union of ${nonNull.length} non-null schemas cannot be expressed (Gemini supports only "T or null")`);
  }
  const inner = jsonSchemaToGemini(nonNull[0], `${path}.${keyword}[${branches.indexOf(nonNull[0])}]`);
  if (nonNull.length < branches.length) inner.nullable = true;
  if (typeof s.description === 'string') inner.description = s.description;
  const rest = Object.keys(s).filter((k) => k !== keyword && k !== 'description' && !DROPPED.includes(k));
  if (rest.length > 0) reject(`${path}.${rest[0]}`, `'${rest[0]}' next to ${keyword} cannot be expressed`);
  return inner;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function reject(path: string, why: string): never {
  throw providerError({
    status: 400,
    message: `JSON Schema at ${path} is not supported by Gemini: ${why}`,
    error: { message: `JSON Schema at ${path} is not supported by Gemini: ${why}`, type: 'invalid_request_error', param: path },
  });
}

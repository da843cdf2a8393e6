/**
 * Checks a standard JSON Schema for Gemini's `responseJsonSchema` / `parametersJsonSchema`
 * fields, which take what the OpenAPI subset (json-schema-to-gemini.ts) cannot say:
 * `$ref` / `$defs`, unions, maps. Only the keywords Google documents for these fields (and
 * pure annotations) pass; anything else is refused naming its JSON path, because Gemini
 * would ignore a constraint the caller relies on. Every `$ref` must resolve inside the
 * schema (Gemini fetches nothing).
 */
import { providerError } from '../../errors/provider-error.js';

const DOCUMENTED = [
  '$id', '$defs', 'definitions', '$ref', '$anchor', 'type', 'format', 'title', 'description', 'enum', 'items', 'prefixItems',
  'minItems', 'maxItems', 'minimum', 'maximum', 'anyOf', 'oneOf', 'properties', 'additionalProperties', 'required', 'propertyOrdering',
  // Not in Google's list, but sent in js-genai's own recorded responseJsonSchema request and served.
  'minLength', 'maxLength',
];
/** Annotations: dropping or keeping them cannot change what the model may produce. */
const ANNOTATIONS = ['$schema', '$comment', 'default', 'examples', 'deprecated', 'readOnly', 'writeOnly'];
const ALLOWED = new Set([...DOCUMENTED, ...ANNOTATIONS]);
const SCHEMA_MAPS = ['properties', '$defs', 'definitions'];
const SCHEMA_LISTS = ['anyOf', 'oneOf', 'prefixItems'];

export function checkJsonSchema(root: unknown, path: string): Record<string, unknown> {
  if (!isObject(root)) reject(path, 'a schema must be an object');
  walk(root, root, path);
  return root;
}

function walk(s: unknown, root: Record<string, unknown>, path: string): void {
  if (typeof s === 'boolean') return;
  if (!isObject(s)) reject(path, 'a schema must be an object');
  for (const [key, value] of Object.entries(s)) {
    const at = `${path}.${key}`;
    if (!ALLOWED.has(key)) reject(at, `'${key}' is not supported by Gemini's JSON Schema fields`);
    if (key === '$ref') {
      if (typeof value !== 'string' || resolve(root, value) === undefined) reject(at, `$ref ${JSON.stringify(value)} does not resolve inside the schema`);
    } else if (SCHEMA_MAPS.includes(key)) {
      if (!isObject(value)) reject(at, `${key} must be an object`);
      for (const [name, sub] of Object.entries(value)) walk(sub, root, `${at}.${name}`);
    } else if (SCHEMA_LISTS.includes(key)) {
      if (!Array.isArray(value)) reject(at, `${key} must be an array`);
      value.forEach((sub, i) => walk(sub, root, `${at}[${i}]`));
    } else if (key === 'items') {
      if (Array.isArray(value)) reject(at, 'tuple schemas (items as an array) cannot be expressed: use prefixItems');
      walk(value, root, at);
    } else if (key === 'additionalProperties' && typeof value !== 'boolean') {
      walk(value, root, at);
    }
  }
}

/** A local JSON Pointer reference ("#", "#/$defs/A"), or an $anchor ("#A"). */
function resolve(root: Record<string, unknown>, ref: string): unknown {
  if (ref === '#') return root;
  if (!ref.startsWith('#')) return undefined;
  if (!ref.startsWith('#/')) return findAnchor(root, ref.slice(1));
  let node: unknown = root;
  for (const raw of ref.slice(2).split('/')) {
    const key = decodeURIComponent(raw).replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(node) && !Array.isArray(node)) return undefined;
    node = (node as Record<string, unknown>)[key];
    if (node === undefined) return undefined;
  }
  return node;
}

function findAnchor(node: unknown, anchor: string): unknown {
  if (!isObject(node) && !Array.isArray(node)) return undefined;
  if (isObject(node) && node.$anchor === anchor) return node;
  for (const v of Object.values(node)) {
    const hit = findAnchor(v, anchor);
    if (hit !== undefined) return hit;
  }
  return undefined;
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function reject(path: string, why: string): never {
  const message = `JSON Schema at ${path} is not supported by Gemini: ${why}`;
  throw providerError({ status: 400, message, error: { message, type: 'invalid_request_error', param: path }, kind: 'unsupported_parameter' });
}

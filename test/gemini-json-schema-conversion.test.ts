import { describe, expect, it } from 'vitest';
import { BadRequestError } from 'openai';
import { jsonSchemaToGemini } from '../src/providers/google/json-schema-to-gemini.js';
import { readJsonFixture } from './fakes/fixtures.js';

function rejection(schema: unknown): BadRequestError {
  try {
    jsonSchemaToGemini(schema);
  } catch (e) {
    expect(e).toBeInstanceOf(BadRequestError);
    return e as BadRequestError;
  }
  throw new Error('expected the schema to be rejected');
}

describe('JSON Schema → Gemini schema', () => {
  it('converts types to the upper-case API enum, keeps properties, required, items, enum and description', () => {
    expect(
      jsonSchemaToGemini({
        $schema: 'http://json-schema.org/draft-07/schema#',
        type: 'object',
        additionalProperties: false,
        description: 'a print job',
        properties: {
          text: { type: 'string', description: 'what to print' },
          color: { type: 'string', enum: ['blue', 'red'] },
          copies: { type: 'integer', minimum: 1, maximum: 10 },
          ratio: { type: 'number' },
          duplex: { type: 'boolean' },
          tags: { type: 'array', items: { type: 'string' }, maxItems: 3 },
        },
        required: ['text'],
      }),
    ).toEqual({
      type: 'OBJECT',
      description: 'a print job',
      properties: {
        text: { type: 'STRING', description: 'what to print' },
        color: { type: 'STRING', enum: ['blue', 'red'] },
        copies: { type: 'INTEGER', minimum: 1, maximum: 10 },
        ratio: { type: 'NUMBER' },
        duplex: { type: 'BOOLEAN' },
        tags: { type: 'ARRAY', items: { type: 'STRING' }, maxItems: 3 },
      },
      required: ['text'],
    });
  });

  it('turns type [x, "null"] and anyOf [x, null] into nullable', () => {
    expect(jsonSchemaToGemini({ type: ['string', 'null'] })).toEqual({ type: 'STRING', nullable: true });
    expect(jsonSchemaToGemini({ anyOf: [{ type: 'array', items: { type: 'string' } }, { type: 'null' }], description: 'd' })).toEqual({
      type: 'ARRAY',
      items: { type: 'STRING' },
      nullable: true,
      description: 'd',
    });
  });

  it('converts the nullable fields of the js-genai responseSchema recording', () => {
    const recorded = readJsonFixture(
      'gemini/js-genai-replays/Client_Tests_generateContent_ML_Dev_should_generate_content_with_given_valid_json_schema_in_responseSchema.json',
    ).interactions[0].request.bodySegments[0].generationConfig.responseJsonSchema;
    const p = recorded.properties;
    expect(jsonSchemaToGemini(p.nullableObjectField)).toEqual({
      type: 'OBJECT',
      nullable: true,
      properties: { innerNumber: { type: 'NUMBER' }, innerString: { type: 'STRING' } },
      required: ['innerString', 'innerNumber'],
    });
    expect(jsonSchemaToGemini(p.stringDatatime)).toEqual({ type: 'STRING', format: 'date-time' });
    expect(jsonSchemaToGemini(p.stringWithLength)).toEqual({ type: 'STRING', minLength: 1, maxLength: 10 });
    // The same recording's unionField ({type: ["string", "number"]}) is exactly what Gemini's subset cannot say.
    expect(rejection(recorded).message).toContain('$.properties.unionField.type');
  });

  it('rejects $ref naming the JSON path', () => {
    const err = rejection({ type: 'object', properties: { a: { $ref: '#/$defs/A' } }, $defs: { A: { type: 'string' } } });
    expect(err.status).toBe(400);
    expect(err.message).toContain('$.properties.a.$ref');
  });

  it('rejects oneOf / anyOf of several non-null types and allOf', () => {
    expect(rejection({ type: 'object', properties: { v: { oneOf: [{ type: 'string' }, { type: 'number' }] } } }).message).toContain('$.properties.v.oneOf');
    expect(rejection({ anyOf: [{ type: 'string' }, { type: 'integer' }, { type: 'null' }] }).message).toContain('$.anyOf');
    expect(rejection({ allOf: [{ type: 'string' }] }).message).toContain('$.allOf');
  });

  it('rejects map types, tuples, typeless schemas and non-string enums', () => {
    expect(rejection({ type: 'object', additionalProperties: { type: 'number' } }).message).toContain('$.additionalProperties');
    expect(rejection({ type: 'array', items: [{ type: 'string' }] }).message).toContain('$.items');
    expect(rejection({ type: 'object', properties: { anything: {} } }).message).toContain('$.properties.anything.type');
    expect(rejection({ type: 'integer', enum: [1, 2] }).message).toContain('$.enum');
    expect(rejection({ type: 'string', not: { const: 'x' } }).message).toContain('$.not');
  });

  it('infers object / array types and maps a string const to a one-value enum', () => {
    expect(jsonSchemaToGemini({ properties: { k: { const: 'fixed' } } })).toEqual({ type: 'OBJECT', properties: { k: { type: 'STRING', enum: ['fixed'] } } });
  });
});

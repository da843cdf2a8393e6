import { describe, expect, it } from 'vitest';
import type { ChatCompletion } from 'openai/resources/chat/completions';
import { agreement, allOf, anyOf, arithmeticCheck, checkEquations, evaluateArithmetic, extractFinalAnswer, finalAnswerFormat, jsonSchemaCheck, validateJsonSchema } from 'llm-switchboard';

const completion = (content: string) => ({ id: 'c', object: 'chat.completion', created: 0, model: 'm', choices: [{ index: 0, finish_reason: 'stop', logprobs: null, message: { role: 'assistant', content, refusal: null } }] }) as ChatCompletion;
const ctx = (content: string) => ({ completion: completion(content), body: { model: 'm', messages: [{ role: 'user' as const, content: 'q' }] } });

// Two real Mixtral answers from RouteLLM's GSM8K records (the first right, the second wrong).
const RIGHT = 'Janet starts with 16 eggs per day.\nShe eats 3 for breakfast, so she has 16 - 3 = 13 eggs left.\nShe uses 4 for baking, so she has 13 - 4 = 9 eggs left.\nShe sells these 9 eggs at the farmers\' market for 9 * $2 = $<<9*2=18>>18.\n#### 18';
const WRONG = "A robe takes 2 bolts of blue fiber and 2/2 * 1/2 = 1/2 bolt of white fiber.\nSo in total, it takes 2 + 1/2 = 5/2 = <<5/2=2.5>>2.5 bolts.\nHowever, since you can't have half a bolt, the robe actually takes 3 bolts in total.\n#### 3";

describe('final answer format', () => {
  it('extracts #### / boxed / "the answer is" answers, normalised', () => {
    expect(extractFinalAnswer(RIGHT)).toBe('18');
    expect(extractFinalAnswer('so \\boxed{1,250.0}')).toBe('1250');
    expect(extractFinalAnswer('The answer is $42.')).toBe('42');
    expect(extractFinalAnswer('no idea')).toBeUndefined();
    expect(extractFinalAnswer('maybe 3 or 7', { fallbackToLastNumber: true })).toBe('7');
  });
  it('accepts a stated numeric answer and rejects hedged or missing ones', () => {
    const v = finalAnswerFormat({ numeric: true });
    expect(v(ctx(RIGHT))).toBe(true);
    expect(v(ctx(WRONG))).toBe(false); // "However, …" hedges
    expect(finalAnswerFormat({ rejectHedging: false })(ctx(WRONG))).toBe(true);
    expect(v(ctx('I think it is large'))).toBe(false);
  });
});

describe('arithmetic re-check', () => {
  it('evaluates expressions and finds wrong equations', () => {
    expect(evaluateArithmetic('(2 + 3) * 4 - 6/3')).toBe(18);
    expect(evaluateArithmetic('2^3')).toBe(8);
    expect(evaluateArithmetic('rm -rf')).toBeUndefined();
    expect(checkEquations(RIGHT).every((c) => c.ok)).toBe(true);
    expect(checkEquations('12+5*3+4*1.5 = 39').map((c) => c.computed)).toEqual([33]);
  });
  it('rejects an answer with a wrong step; optionally requires shown work', () => {
    expect(arithmeticCheck()(ctx(RIGHT))).toBe(true);
    expect(arithmeticCheck()(ctx('So 7 * 8 = 54.\n#### 54'))).toBe(false);
    expect(arithmeticCheck()(ctx('#### 5'))).toBe(true);
    expect(arithmeticCheck({ requireWork: true })(ctx('#### 5'))).toBe(false);
  });
});

describe('JSON schema check', () => {
  const schema = { type: 'object', required: ['label', 'score'], additionalProperties: false, properties: { label: { enum: ['spam', 'ham'] }, score: { type: 'number', minimum: 0, maximum: 1 } } };
  it('accepts matching JSON (fenced too) and rejects the rest with paths', () => {
    const v = jsonSchemaCheck(schema);
    expect(v(ctx('{"label":"spam","score":0.9}'))).toBe(true);
    expect(v(ctx('```json\n{"label":"ham","score":0}\n```'))).toBe(true);
    expect(v(ctx('{"label":"eggs","score":0.9}'))).toBe(false);
    expect(v(ctx('not json'))).toBe(false);
    expect(validateJsonSchema({ label: 'spam', score: 2, x: 1 }, schema)).toEqual(['$.score: above maximum 1', "$: unexpected property 'x'"]);
    expect(() => jsonSchemaCheck(null as never)).toThrow(/JSON Schema object/);
  });
});

describe('agreement and combinators', () => {
  it('accepts when a second model states the same final answer', async () => {
    expect(await agreement({ second: () => 'so the total is 18' })(ctx(RIGHT))).toBe(true);
    expect(await agreement({ second: () => completion('#### 19') })(ctx(RIGHT))).toBe(false);
    expect(() => agreement({} as never)).toThrow(/second/);
  });
  it('allOf / anyOf compose validators', async () => {
    const yes = () => true;
    const no = () => false;
    expect(await allOf(yes, yes)(ctx(''))).toBe(true);
    expect(await allOf(yes, no)(ctx(''))).toBe(false);
    expect(await anyOf(no, yes)(ctx(''))).toBe(true);
    expect(await allOf(finalAnswerFormat({ numeric: true }), arithmeticCheck())(ctx(RIGHT))).toBe(true);
  });
});

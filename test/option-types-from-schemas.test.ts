/**
 * The public option types are the zod schemas' z.input (src/config/): type-level proof
 * (checked by `tsc` in `npm test`) that they stay as precise as hand-written types —
 * function options keep their signatures, so a user's callback is contextually typed —
 * and that what a schema refuses at run time is what the type refuses at compile time.
 */
import OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionCreateParams } from 'openai/resources/chat/completions';
import { describe, expect, expectTypeOf, it } from 'vitest';
import {
  ConfigError,
  createRouter,
  type AcceptInput,
  type DecisionRecord,
  type EnsembleAnswer,
  type ModelDescriptor,
  type ProviderConfig,
  type RecordedContent,
  type RouteConfig,
  type RouterOptions,
  type RoutingContext,
  type ShadowHookState,
  type StateStore,
  type StrategyInfo,
  type StrategyOptions,
  type TracerLike,
} from 'llm-switchboard';

type Fn<T> = Extract<NonNullable<T>, (...args: any[]) => any>;

describe('option types derived from the schemas', () => {
  it('give every function option its signature', () => {
    expectTypeOf<Parameters<Fn<NonNullable<RouterOptions['hooks']>['onDecision']>>[0]>().toEqualTypeOf<DecisionRecord>();
    expectTypeOf<Parameters<Fn<NonNullable<RouterOptions['hooks']>['onShadow']>>[0]>().toEqualTypeOf<ShadowHookState>();
    expectTypeOf<Parameters<Fn<RouteConfig['accept']>>[0]>().toEqualTypeOf<AcceptInput>();
    expectTypeOf<Parameters<Fn<RouteConfig['select']>>[0]>().toEqualTypeOf<EnsembleAnswer[]>();
    expectTypeOf<Parameters<Fn<RouteConfig['classifier']>>>().toEqualTypeOf<[ChatCompletionCreateParams, RoutingContext]>();
    expectTypeOf<Parameters<Fn<RouteConfig['strategy']>>[3]>().toEqualTypeOf<StrategyInfo>();
    expectTypeOf<Parameters<Fn<NonNullable<RouterOptions['rules']>[number]['when']>>>().toEqualTypeOf<[RoutingContext, ChatCompletionCreateParams]>();
    expectTypeOf<Fn<RouterOptions['redact']>>().toEqualTypeOf<(content: RecordedContent) => RecordedContent>();
    expectTypeOf<Fn<RouterOptions['tokenizer']>>().toEqualTypeOf<(text: string) => number>();
    expectTypeOf<NonNullable<RouterOptions['state']>>().toEqualTypeOf<StateStore>();
    expectTypeOf<NonNullable<Exclude<RouterOptions['telemetry'], boolean | undefined>['tracer']>>().toEqualTypeOf<TracerLike>();
    expectTypeOf<NonNullable<Extract<ProviderConfig, { type: 'openai' }>['client']>>().toEqualTypeOf<OpenAI>();
  });

  it('type callbacks written inline from the context, as hand-written types did', () => {
    const options = {
      providers: { m: { type: 'mock', reply: (body) => `${body.messages.length} messages` } },
      models: [{ id: 'a', provider: 'm', quality: 0.9 }],
      routes: {
        r: {
          models: ['a'],
          mode: 'cascade',
          accept: (input) => input.completion.choices.length > 0 && input.step >= 0,
          strategy: (candidates, ctx, _body, info) => (ctx.tenant && info.options.minQuality ? [...candidates] : candidates),
        },
      },
      rules: [{ when: (ctx) => ctx.locale === 'zh', route: 'r' }],
      hooks: { onDecision: (d) => void d.attempts.length },
    } satisfies RouterOptions;
    const router = createRouter(options);
    expect(router.explain({ model: 'r', messages: [{ role: 'user', content: 'hi' }] }).plan.map((p) => p.model)).toEqual(['a']);
  });

  it('let strategies read the route options they use, typed', () => {
    expectTypeOf<StrategyOptions['split']>().toEqualTypeOf<Record<string, number> | undefined>();
    expectTypeOf<StrategyOptions['latencyMetric']>().toEqualTypeOf<'auto' | 'latency' | 'ttft' | undefined>();
    expectTypeOf<StrategyInfo['options']['tiers']>().toEqualTypeOf<{ upTo?: number | undefined; models: string[] }[] | undefined>();
  });

  it('refuse at compile time what the schema refuses at run time', () => {
    const bad = { id: 'x', provider: 'm', quality: '0.9' };
    // @ts-expect-error quality is a number
    const typed: ModelDescriptor = bad;
    expect(() => createRouter({ providers: { m: { type: 'mock' } }, models: [typed] })).toThrow(ConfigError);
    // @ts-expect-error an unknown provider type
    const provider: ProviderConfig = { type: 'azure' };
    expect(() => createRouter({ providers: { m: provider }, models: [{ id: 'x', provider: 'm' }] })).toThrow(/type must be one of 'openai', 'anthropic', 'google', 'mock'/);
  });

  it('keep completions typed as OpenAI’s in accept and select', () => {
    expectTypeOf<AcceptInput['completion']>().toEqualTypeOf<ChatCompletion>();
    expectTypeOf<EnsembleAnswer['completion']>().toEqualTypeOf<ChatCompletion>();
  });
});

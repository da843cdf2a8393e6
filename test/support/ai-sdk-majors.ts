/**
 * The AI SDK majors the bridge supports, for `describe.each`: ai 7 (LanguageModelV4) and
 * ai 6 (LanguageModelV3, through the `ai-v6` alias), each with the spec version its
 * provider is created with. ai 6 is typed here as ai 7 so one test body serves both;
 * the compile-time checks below keep ai 6's own types honest.
 */
import * as ai7 from 'ai';
import * as ai6 from 'ai-v6';
import type { ProviderV3, ProviderV4 } from '@ai-sdk/provider';
import type { SwitchboardProvider, SwitchboardProviderV3 } from 'llm-switchboard/ai-sdk';

export interface AiMajor {
  name: string;
  spec: 'v3' | 'v4';
  ai: typeof ai7;
}

export const aiMajors: AiMajor[] = [
  { name: 'ai 7 (LanguageModelV4)', spec: 'v4', ai: ai7 },
  { name: 'ai 6 (LanguageModelV3)', spec: 'v3', ai: ai6 as unknown as typeof ai7 },
];

// Both provider types' models are what ai 7's generateText takes. (The v3 models are
// not checked against ai 6's types here: in this repository the bridge's v3 types come
// from @ai-sdk/provider 4, whose JSONValue admits readonly objects and 3.x's does not;
// in an ai 6 application they resolve to the application's @ai-sdk/provider 3.)
type Ai7Model = Parameters<typeof ai7.generateText>[0]['model'];
export const v4ModelFitsAi7 = (p: SwitchboardProvider): Ai7Model => p('x');
export const v3ModelFitsAi7 = (p: SwitchboardProviderV3): Ai7Model => p('x');
// And the providers are what ai 7 takes as providers (customProvider, registries).
export const providerFitsV4 = (p: SwitchboardProvider): ProviderV4 => p;
export const providerFitsV3 = (p: SwitchboardProviderV3): ProviderV3 => p;

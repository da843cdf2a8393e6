/**
 * The same model for ai 6, which speaks LanguageModelV3 (@ai-sdk/provider 3): its call
 * options are lifted to v4 (file data becomes the tagged union), the v4 model does the
 * work, and its results go back in v3 terms. Only the parts where the specs differ are
 * touched; the rest is the v4 result as it is.
 */
import type {
  LanguageModelV3,
  LanguageModelV3CallOptions,
  LanguageModelV3Content,
  LanguageModelV3FinishReason,
  LanguageModelV3GenerateResult,
  LanguageModelV3Prompt,
  LanguageModelV3StreamPart,
  LanguageModelV3StreamResult,
  LanguageModelV4CallOptions,
  LanguageModelV4Content,
  LanguageModelV4FinishReason,
  LanguageModelV4Prompt,
  LanguageModelV4StreamPart,
  SharedV3Warning,
  SharedV4FileData,
  SharedV4Warning,
} from '@ai-sdk/provider';
import type { Router } from '../client/router.js';
import { SwitchboardLanguageModel, type LanguageModelSettings } from './switchboard-language-model.js';

export class SwitchboardLanguageModelV3 implements LanguageModelV3 {
  readonly specificationVersion = 'v3' as const;
  readonly provider: string;
  readonly modelId: string;
  readonly supportedUrls: Record<string, RegExp[]>;
  private readonly model: SwitchboardLanguageModel;

  constructor(router: Router, requested: string | undefined, settings: LanguageModelSettings) {
    this.model = new SwitchboardLanguageModel(router, requested, settings);
    this.provider = this.model.provider;
    this.modelId = this.model.modelId;
    this.supportedUrls = this.model.supportedUrls;
  }

  async doGenerate(options: LanguageModelV3CallOptions): Promise<LanguageModelV3GenerateResult> {
    const r = await this.model.doGenerate(toV4CallOptions(options));
    return { ...r, content: r.content.map(toV3Content), finishReason: toV3FinishReason(r.finishReason), warnings: r.warnings.map(toV3Warning) };
  }

  async doStream(options: LanguageModelV3CallOptions): Promise<LanguageModelV3StreamResult> {
    const r = await this.model.doStream(toV4CallOptions(options));
    return { ...r, stream: r.stream.pipeThrough(new TransformStream<LanguageModelV4StreamPart, LanguageModelV3StreamPart>({ transform: (part, c) => c.enqueue(toV3StreamPart(part)) })) };
  }
}

function toV4FileData(data: Uint8Array | string | URL): SharedV4FileData {
  return data instanceof URL ? { type: 'url', url: data } : { type: 'data', data };
}

/** ai 6's options in ai 7's terms. `reasoning` (v4 only) stays as ai 7 set it, if it did. */
function toV4CallOptions(options: LanguageModelV3CallOptions): LanguageModelV4CallOptions {
  return { ...(options as Omit<LanguageModelV3CallOptions, 'prompt'>), prompt: toV4Prompt(options.prompt) } as LanguageModelV4CallOptions;
}

function toV4Prompt(prompt: LanguageModelV3Prompt): LanguageModelV4Prompt {
  return prompt.map((message) => {
    if (message.role === 'user') {
      return { ...message, content: message.content.map((p) => (p.type === 'file' ? { ...p, data: toV4FileData(p.data) } : p)) };
    }
    if (message.role === 'assistant') {
      return { ...message, content: message.content.map((p) => (p.type === 'file' ? { ...p, data: toV4FileData(p.data) } : p)) };
    }
    // Tool results: text, JSON and denials are the same in both specs. Non-text `content`
    // parts differ in shape, but the request mapping only serialises them as JSON
    // without reading them, so they go on in ai 6's form, exactly as before.
    return message;
  }) as LanguageModelV4Prompt;
}

function toV3Content(part: LanguageModelV4Content): LanguageModelV3Content {
  switch (part.type) {
    case 'text':
    case 'reasoning':
    case 'tool-call':
      return part;
    default:
      // The v4 model produces no other parts; a new one must get a v3 form here first.
      throw new TypeError(`llm-switchboard: a '${part.type}' content part has no AI SDK v3 form`);
  }
}

function toV3FinishReason(reason: LanguageModelV4FinishReason): LanguageModelV3FinishReason {
  // v3 has no 'interrupted' (a stream that ended without a finish signal): 'other', as before v4.
  return { unified: reason.unified === 'interrupted' ? 'other' : reason.unified, raw: reason.raw };
}

function toV3Warning(warning: SharedV4Warning): SharedV3Warning {
  return warning.type === 'deprecated' ? { type: 'other', message: `${warning.setting}: ${warning.message}` } : warning;
}

function toV3StreamPart(part: LanguageModelV4StreamPart): LanguageModelV3StreamPart {
  switch (part.type) {
    case 'stream-start':
      return { type: 'stream-start', warnings: part.warnings.map(toV3Warning) };
    case 'finish':
      return { ...part, finishReason: toV3FinishReason(part.finishReason) };
    case 'text-start':
    case 'text-delta':
    case 'text-end':
    case 'reasoning-start':
    case 'reasoning-delta':
    case 'reasoning-end':
    case 'tool-input-start':
    case 'tool-input-delta':
    case 'tool-input-end':
    case 'tool-call':
    case 'response-metadata':
    case 'raw':
    case 'error':
      return part as LanguageModelV3StreamPart;
    default:
      throw new TypeError(`llm-switchboard: a '${part.type}' stream part has no AI SDK v3 form`);
  }
}

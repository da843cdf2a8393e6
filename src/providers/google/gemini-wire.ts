/**
 * The Gemini REST shapes this adapter sends and reads, whichever SDK carries them
 * (@google/genai rebuilds exactly this body from its `contents` + `config`;
 * @google/generative-ai sends it as given).
 */

export type GeminiType = 'STRING' | 'NUMBER' | 'INTEGER' | 'BOOLEAN' | 'ARRAY' | 'OBJECT';

export interface GeminiSchema {
  type: GeminiType;
  description?: string;
  nullable?: boolean;
  enum?: string[];
  properties?: Record<string, GeminiSchema>;
  required?: string[];
  items?: GeminiSchema;
  [keyword: string]: unknown;
}

export interface GeminiPart {
  text?: string;
  thought?: boolean;
  thoughtSignature?: string;
  inlineData?: { mimeType: string; data: string };
  fileData?: { mimeType: string; fileUri: string };
  functionCall?: { name?: string; args?: Record<string, unknown>; id?: string };
  functionResponse?: { name: string; response: Record<string, unknown>; id?: string };
  [other: string]: unknown;
}

export interface GeminiContent {
  role: 'user' | 'model' | 'system';
  parts: GeminiPart[];
}

export interface GeminiFunctionDeclaration {
  name: string;
  description?: string;
  parameters?: GeminiSchema;
  /** Standard JSON Schema (with $ref / $defs), for what the OpenAPI subset cannot say. */
  parametersJsonSchema?: Record<string, unknown>;
}

export interface GeminiGenerationConfig {
  temperature?: number;
  topP?: number;
  stopSequences?: string[];
  seed?: number;
  maxOutputTokens?: number;
  candidateCount?: number;
  presencePenalty?: number;
  frequencyPenalty?: number;
  responseLogprobs?: boolean;
  logprobs?: number;
  responseMimeType?: string;
  responseSchema?: GeminiSchema;
  /** Standard JSON Schema (with $ref / $defs), for what the OpenAPI subset cannot say. */
  responseJsonSchema?: Record<string, unknown>;
  thinkingConfig?: { thinkingBudget?: number; includeThoughts?: boolean };
}

export interface GeminiRequest {
  contents: GeminiContent[];
  systemInstruction?: GeminiContent;
  tools?: { functionDeclarations: GeminiFunctionDeclaration[] }[];
  toolConfig?: { functionCallingConfig: { mode: 'AUTO' | 'ANY' | 'NONE'; allowedFunctionNames?: string[] } };
  generationConfig?: GeminiGenerationConfig;
}

export interface GeminiLogprobsCandidate {
  token?: string;
  logProbability?: number;
}

export interface GeminiCandidate {
  index?: number;
  content?: { role?: string; parts?: GeminiPart[] };
  finishReason?: string;
  finishMessage?: string;
  /** A checkpoint to resume a long stream from (@google/genai's automatic continuation). */
  continuationToken?: string;
  /** REST names the list citationSources; @google/genai renames it citations. */
  citationMetadata?: { citationSources?: GeminiCitation[]; citations?: GeminiCitation[] };
  groundingMetadata?: {
    groundingChunks?: { web?: { uri?: string; title?: string } }[];
    groundingSupports?: { segment?: { startIndex?: number; endIndex?: number }; groundingChunkIndices?: number[] }[];
  };
  logprobsResult?: {
    topCandidates?: { candidates?: GeminiLogprobsCandidate[] }[];
    chosenCandidates?: GeminiLogprobsCandidate[];
  };
}

/** Offsets are UTF-8 byte offsets into the candidate's text. */
export interface GeminiCitation {
  startIndex?: number;
  endIndex?: number;
  uri?: string;
  title?: string;
  license?: string;
}

export interface GeminiUsage {
  promptTokenCount?: number;
  candidatesTokenCount?: number;
  thoughtsTokenCount?: number;
  toolUsePromptTokenCount?: number;
  cachedContentTokenCount?: number;
  totalTokenCount?: number;
}

export interface GeminiResponse {
  candidates?: GeminiCandidate[];
  promptFeedback?: { blockReason?: string };
  usageMetadata?: GeminiUsage;
  modelVersion?: string;
  responseId?: string;
  /** Only in a 200 that is not an answer (a proxy's or a stream's error object). */
  error?: unknown;
}

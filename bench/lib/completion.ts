/** A minimal chat completion, as a custom adapter or the in-process benches return it. */
export const completion = (model: string) => ({
  id: 'c',
  object: 'chat.completion' as const,
  created: 0,
  model,
  choices: [{ index: 0, message: { role: 'assistant' as const, content: 'ok', refusal: null }, finish_reason: 'stop' as const, logprobs: null }],
  usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 },
});

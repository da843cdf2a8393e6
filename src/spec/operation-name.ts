/** The APIs the router serves: chat completions, the Responses API, embeddings. */
export type OperationName = 'chat' | 'responses' | 'embeddings';

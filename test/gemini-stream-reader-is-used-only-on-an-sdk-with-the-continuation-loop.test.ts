/**
 * The adapter reads @google/genai stream bodies itself only on an SDK whose continuation loop
 * and per-hop opener are the ones genai-stream-hops.ts hands over to (3.1 and 3.3). On any other
 * SDK it keeps the SDK's own stream, so an SDK that renamed them would stream as before, not
 * fail; this test also tells whoever upgrades the devDependency that the fast path is gone.
 */
import { describe, expect, test } from 'vitest';
import { GoogleGenAI } from '@google/genai';
import { readsOwnStreams } from '../src/providers/google/genai-transport.js';

describe('which Gemini SDK streams are read by the adapter', () => {
  test('the installed @google/genai has the internals, so its streams are read by the adapter', () => {
    expect(readsOwnStreams(new GoogleGenAI({ apiKey: 'test-key' }))).toBe(true);
  });

  test.each(['generateContentStreamWithContinuation', 'generateContentStreamInternal'])('an SDK without models.%s keeps its own stream', (name) => {
    const client = new GoogleGenAI({ apiKey: 'test-key' });
    Object.defineProperty(client.models, name, { value: undefined });
    expect(readsOwnStreams(client)).toBe(false);
  });

  test('an SDK whose client takes no fetch keeps its own stream', () => {
    const client = new GoogleGenAI({ apiKey: 'test-key' });
    Object.defineProperty((client as unknown as { apiClient: object }).apiClient, 'getFetch', { value: undefined });
    expect(readsOwnStreams(client)).toBe(false);
  });
});

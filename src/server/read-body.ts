/** Reads a JSON request body, refusing more than `limit` bytes before buffering them. */
import type { IncomingMessage } from 'node:http';

export class BodyError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}

export async function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(req.headers['content-length']);
  const tooLarge = () => new BodyError(413, 'request_too_large', `The request body is larger than the ${limit} bytes this server accepts.`);
  if (Number.isFinite(declared) && declared > limit) {
    // Do not read it: answer now, and the connection is closed after the reply.
    req.resume();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > limit) {
      req.resume();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  const text = Buffer.concat(chunks).toString('utf8');
  if (text.trim() === '') throw new BodyError(400, 'invalid_body', 'The request body is empty; send a JSON chat-completions request.');
  try {
    return JSON.parse(text);
  } catch {
    throw new BodyError(400, 'invalid_json', 'We could not parse the JSON body of your request. The body must be valid JSON.');
  }
}

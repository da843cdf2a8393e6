/**
 * A fetch Response over a body the handler already holds whole (a JSON answer). A
 * standard Response copies a string body into a byte stream, and `text()` / `json()`
 * read it back through that stream: for an in-process answer that copy costs more
 * than building the answer did. This one keeps the string and serves `text()` and
 * `json()` from it; anything that needs the bytes (`body`, `arrayBuffer()`, `bytes()`,
 * `blob()`, `formData()`, a `clone()` after `body` was taken) gets a standard Response
 * over the same text, made at that moment, so each behaves exactly as the standard's.
 *
 * What stays as the standard says: `bodyUsed`, "Body is unusable" once read, one `body`
 * stream per response (the same object each time), `clone()` of an unread body, status
 * and headers (the real Headers of a real Response: it is a subclass, not a look-alike).
 */
export class BufferedResponse extends Response {
  /** The body, until it was read or handed out as a stream. */
  #text: string | undefined;
  /** The object the body parses to (but for a `_request_id` member), held by no one else (see handle-request.ts): `json()` hands it over once. */
  #parsed: object | undefined;
  /** The standard Response over the body, once something needed its bytes. */
  #inner: Response | undefined;

  /** `headers` must name a content type: a standard Response would add text/plain to a string body without one. */
  constructor(text: string, status: number, headers: Readonly<Record<string, string>> | Headers, parsed?: object) {
    super(null, { status });
    // Set one by one: the same checks as `init.headers`, without WebIDL's record conversion (a third of the constructor).
    const own = this.headers;
    if (headers instanceof Headers) for (const [k, v] of headers) own.append(k, v);
    else for (const k in headers) own.set(k, headers[k]!);
    this.#text = text;
    this.#parsed = parsed;
  }

  /** The standard Response over the body (once made, every body read goes through it). */
  #standard(): Response {
    if (this.#inner) return this.#inner;
    const text = this.#text;
    this.#text = undefined;
    this.#parsed = undefined;
    if (text !== undefined) return (this.#inner = new Response(text, { status: this.status, statusText: this.statusText, headers: this.headers }));
    // Already read through text()/json(): a body that is, as the standard's would be, read and locked.
    const inner = new Response('', { status: this.status, statusText: this.statusText, headers: this.headers });
    void inner.text();
    return (this.#inner = inner);
  }

  #read(): string {
    const text = this.#text;
    if (text === undefined) throw new TypeError('Body is unusable: Body has already been read');
    this.#text = undefined;
    this.#parsed = undefined;
    this.#used = true;
    // As the standard's UTF-8 round trip: a leading BOM is dropped, a lone surrogate becomes U+FFFD.
    const t = text as string & { isWellFormed(): boolean; toWellFormed(): string };
    const wellFormed = t.isWellFormed() ? text : t.toWellFormed();
    return wellFormed.charCodeAt(0) === 0xfeff ? wellFormed.slice(1) : wellFormed;
  }

  #used = false;

  override get body(): ReadableStream<Uint8Array<ArrayBuffer>> {
    return this.#standard().body as ReadableStream<Uint8Array<ArrayBuffer>>;
  }

  override get bodyUsed(): boolean {
    return this.#inner ? this.#inner.bodyUsed || this.#used : this.#used;
  }

  override text(): Promise<string> {
    if (this.#inner) return this.#inner.text();
    try {
      return Promise.resolve(this.#read());
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  override json(): Promise<any> {
    if (this.#inner) return this.#inner.json();
    const parsed = this.#parsed;
    if (parsed !== undefined) {
      // What JSON.parse of the text would give, without parsing it again; the body is then read.
      // The pass-through's request id goes here, not when the answer is built: the caller's SDK defines its own.
      delete (parsed as { _request_id?: unknown })._request_id;
      this.#parsed = undefined;
      this.#text = undefined;
      this.#used = true;
      return Promise.resolve(parsed);
    }
    try {
      return Promise.resolve(JSON.parse(this.#read()) as unknown);
    } catch (err) {
      return Promise.reject(err as Error);
    }
  }

  override arrayBuffer(): Promise<ArrayBuffer> {
    return this.#standard().arrayBuffer();
  }

  override blob(): Promise<Blob> {
    return this.#standard().blob();
  }

  override formData(): Promise<FormData> {
    return this.#standard().formData();
  }

  override bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return (this.#standard() as Response & { bytes(): Promise<Uint8Array<ArrayBuffer>> }).bytes();
  }

  override clone(): Response {
    if (this.#inner || this.#text === undefined) return this.#standard().clone();
    return new BufferedResponse(this.#text, this.status, this.headers);
  }
}

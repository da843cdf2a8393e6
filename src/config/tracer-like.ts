/**
 * The slice of OpenTelemetry's Tracer the router calls. Hand-written: it describes a foreign
 * object (the optional @opentelemetry/api peer), which the schema can only check as z.custom.
 */
export type Attrs = Record<string, string | number | boolean | string[]>;
export interface Span {
  setAttributes(a: Attrs): unknown;
  setStatus(s: { code: number; message?: string }): unknown;
  end(t?: Date): void;
}
export interface TracerLike {
  startSpan(name: string, options?: { kind?: number; startTime?: Date; attributes?: Attrs }, context?: unknown): Span;
}

import * as z from 'zod';

/**
 * A function-valued option. zod cannot check a signature, so the check is "is a function"
 * and `T` carries the signature into the option types (z.input / z.output are `T`).
 */
export const fn = <T extends (...args: any[]) => any>(what: string) =>
  z.custom<T>((v) => typeof v === 'function', { message: `${what} must be a function` });

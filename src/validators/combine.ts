/** Validator combinators. */
import type { Validator } from './validator.js';

/** Accepts only when every validator accepts (checked in order, stopping at the first no). */
export function allOf(...validators: Validator[]): Validator {
  return async (ctx) => {
    for (const v of validators) if (!(await v(ctx))) return false;
    return true;
  };
}

/** Accepts when any validator accepts. */
export function anyOf(...validators: Validator[]): Validator {
  return async (ctx) => {
    for (const v of validators) if (await v(ctx)) return true;
    return false;
  };
}

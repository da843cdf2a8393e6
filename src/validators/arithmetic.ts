/**
 * Arithmetic re-check: recomputes every equation a response writes (`<<9*2=18>>`,
 * `16 - 3 = 13`, `9 * $2 = $18`) and rejects the answer when one is wrong.
 */
import { completionText, type Validator } from './validator.js';

/** Evaluates + - * / ^ and parentheses over decimal numbers; undefined when it is not such an expression. */
export function evaluateArithmetic(expr: string): number | undefined {
  const src = expr.replace(/[$,\s]/g, '').replace(/[x×]/g, '*').replace(/÷/g, '/');
  if (!/^[\d.+\-*/^()%]+$/.test(src)) return undefined;
  let i = 0;
  const peek = () => src[i];
  function primary(): number {
    if (peek() === '(') {
      i++;
      const v = sum();
      if (peek() !== ')') throw new Error('unbalanced');
      i++;
      return v;
    }
    if (peek() === '-') {
      i++;
      return -primary();
    }
    const m = /^\d+(?:\.\d+)?|^\.\d+/.exec(src.slice(i));
    if (!m) throw new Error('number expected');
    i += m[0].length;
    let v = Number(m[0]);
    if (peek() === '%') {
      i++;
      v /= 100;
    }
    return v;
  }
  function power(): number {
    const b = primary();
    if (peek() === '^') {
      i++;
      return b ** power();
    }
    return b;
  }
  function product(): number {
    let v = power();
    while (peek() === '*' || peek() === '/') {
      const op = src[i++];
      const r = power();
      v = op === '*' ? v * r : v / r;
    }
    return v;
  }
  function sum(): number {
    let v = product();
    while (peek() === '+' || peek() === '-') {
      const op = src[i++];
      const r = product();
      v = op === '+' ? v + r : v - r;
    }
    return v;
  }
  try {
    const v = sum();
    return i === src.length && Number.isFinite(v) ? v : undefined;
  } catch {
    return undefined;
  }
}

export interface EquationCheck {
  expression: string;
  stated: number;
  computed: number;
  ok: boolean;
}

const NUM = String.raw`\$?-?\d[\d,]*(?:\.\d+)?%?`;
const OP = String.raw`\s*[-+*/x×÷^]\s*`;
// `a op b [op c ...] = result`, optionally inside GSM8K's <<...>> calculator marks.
const EQUATION = new RegExp(String.raw`(\(?${NUM}\)?(?:${OP}\(?${NUM}\)?)+)\s*=\s*(${NUM})`, 'g');

/** Every equation in the text, recomputed. */
export function checkEquations(text: string): EquationCheck[] {
  const out: EquationCheck[] = [];
  for (const m of text.matchAll(EQUATION)) {
    const lhs = m[1]!;
    const computed = evaluateArithmetic(lhs);
    const stated = evaluateArithmetic(m[2]!.replace(/%$/, ''));
    if (computed === undefined || stated === undefined) continue;
    // Written results are often rounded: allow 1% or half a cent.
    const ok = Math.abs(computed - stated) <= Math.max(0.005, Math.abs(computed) * 0.01);
    out.push({ expression: `${lhs.trim()} = ${m[2]}`, stated, computed, ok });
  }
  return out;
}

export interface ArithmeticOptions {
  /** Also reject answers that show no equation to check. @default false */
  requireWork?: boolean;
}

/**
 * Accepts an answer whose written arithmetic is all correct.
 * @example accept: arithmeticCheck()
 */
export function arithmeticCheck(options: ArithmeticOptions = {}): Validator {
  return ({ completion }) => {
    const checks = checkEquations(completionText(completion));
    if (checks.length === 0) return !options.requireWork;
    return checks.every((c) => c.ok);
  };
}

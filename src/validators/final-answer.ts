/** Final-answer extraction and the format check a cascade can put in `accept`. */
import { completionText, type Validator } from './validator.js';

const PATTERNS: RegExp[] = [
  /####\s*([^\n]+)/,
  /\\boxed\{([^{}]+)\}/,
  /(?:final answer|the answer is|answer)\s*(?:is)?\s*[:=]?\s*\**\s*([^\n]+)/i,
];

/** Normalises a numeric answer: drops $, commas, units and trailing dots; "18.0" → "18". */
export function normalizeAnswer(raw: string): string {
  const num = /-?\d[\d,]*(?:\.\d+)?/.exec(raw);
  if (num) {
    const n = Number(num[0].replace(/,/g, ''));
    if (Number.isFinite(n)) return String(n);
  }
  return raw.trim().replace(/[.*\s]+$/, '').toLowerCase();
}

/**
 * The final answer a response states (`#### 18`, `\boxed{18}`, `The answer is 18`), normalised;
 * undefined when it states none. With `fallbackToLastNumber`, the last number in the text counts.
 */
export function extractFinalAnswer(text: string, options: { fallbackToLastNumber?: boolean } = {}): string | undefined {
  for (const re of PATTERNS) {
    // The last statement wins: models sometimes restate a corrected answer.
    const all = [...text.matchAll(new RegExp(re.source, re.flags.includes('g') ? re.flags : `${re.flags}g`))];
    const m = all[all.length - 1];
    if (m?.[1] && m[1].trim()) return normalizeAnswer(m[1]);
  }
  if (options.fallbackToLastNumber) {
    const nums = text.match(/-?\d[\d,]*(?:\.\d+)?/g);
    const last = nums?.[nums.length - 1];
    if (last) return normalizeAnswer(last);
  }
  return undefined;
}

export interface FinalAnswerOptions {
  /** Require the answer to be a number. @default false */
  numeric?: boolean;
  /** Reject answers that hedge ("approximately", "cannot be determined", "assuming"). @default true */
  rejectHedging?: boolean;
}

const HEDGES = /\b(approximately|cannot be determined|can't be determined|not possible to determine|assum(?:e|ing)|however|round(?:ed|ing)? (?:up|down)|not enough information)\b/i;

/**
 * Accepts an answer that states a final answer in a recognisable format.
 * @example accept: finalAnswerFormat({ numeric: true })
 */
export function finalAnswerFormat(options: FinalAnswerOptions = {}): Validator {
  const rejectHedging = options.rejectHedging ?? true;
  return ({ completion }) => {
    const text = completionText(completion);
    const answer = extractFinalAnswer(text);
    if (answer === undefined) return false;
    if (options.numeric && !/^-?\d+(?:\.\d+)?$/.test(answer)) return false;
    return !(rejectHedging && HEDGES.test(text));
  };
}

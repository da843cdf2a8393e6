/**
 * The rule-condition language. Hand-written: a small DSL whose fields and operators
 * pipeline/route/routing-config.ts checks (with paths) at createRouter(); the rule schema carries
 * it through z.custom so the input type stays precise.
 */

/**
 * A rule condition: context fields (`taskType`, `locale`, `tier`, …, `metadata.<key>`) and
 * request facts (`stream`, `tools`, `vision`, `jsonSchema`, `promptTokens`). A plain
 * value means equals (for `tags`: contains); an array means "one of"; an operator object
 * takes `eq`, `ne`, `in`, `notIn`, `gt`, `gte`, `lt`, `lte`, `regex`, `exists`. All fields must match.
 * @example { taskType: 'classification', promptTokens: { lt: 2000 } }
 */
export type RuleCondition = Record<string, RuleValue>;
export type RuleScalar = string | number | boolean;
export type RuleValue =
  | RuleScalar
  | RuleScalar[]
  | RegExp
  | {
      eq?: RuleScalar;
      ne?: RuleScalar;
      in?: RuleScalar[];
      notIn?: RuleScalar[];
      gt?: number;
      gte?: number;
      lt?: number;
      lte?: number;
      regex?: string | RegExp;
      exists?: boolean;
    };

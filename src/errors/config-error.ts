import { OpenAIError } from 'openai/core/error';

export interface ConfigIssue {
  /** Dotted path of the bad field, e.g. `models.2.pricing.input`. */
  path: string;
  message: string;
}

/** Thrown by createRouter() for any bad configuration; lists every problem with its path. */
export class ConfigError extends OpenAIError {
  override readonly name = 'ConfigError';
  readonly issues: readonly ConfigIssue[];
  constructor(issues: ConfigIssue[]) {
    super(`Invalid llm-switchboard configuration:\n${issues.map((i) => `  - ${i.path || '(root)'}: ${i.message}`).join('\n')}`);
    this.issues = issues;
  }
}

/** What a strategy that learns online receives when feedback arrives for one of its decisions. */
import type { RecordedFeatures } from './learned-features.js';

export interface FeedbackEvent {
  decisionId: string;
  route: string | null;
  /** The route's strategy name at decision time. */
  strategy: string;
  /** The model whose answer was scored. */
  model: string;
  /** 0 (bad) .. 1 (good). */
  score: number;
  /** Who scored it: 'user', 'validator', 'shadow', 'judge', or the caller's own name. */
  source: string;
  /** P(this model went first) as logged at decision time; undefined when not logged. */
  probability?: number | undefined;
  /** The routing features logged at decision time. */
  features?: RecordedFeatures | undefined;
  taskType?: string | undefined;
}

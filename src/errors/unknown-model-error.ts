import { NotFoundError } from 'openai/core/error';

/** `body.model` names neither a model nor a route. A 404, as OpenAI answers for an unknown model. */
export class UnknownModelError extends NotFoundError {
  override readonly name = 'UnknownModelError';
  readonly requested: string;
  readonly availableModels: readonly string[];
  readonly availableRoutes: readonly string[];
  constructor(requested: string, models: readonly string[], routes: readonly string[]) {
    const message = `The model or route '${requested}' is not configured. Models: ${models.join(', ') || '(none)'}. Routes: ${routes.join(', ') || '(none)'}.`;
    super(404, { message, type: 'invalid_request_error', code: 'model_not_found', param: 'model' }, message, new Headers());
    this.requested = requested;
    this.availableModels = models;
    this.availableRoutes = routes;
  }
}

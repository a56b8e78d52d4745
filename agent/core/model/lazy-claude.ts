import type { ClaudeOptions, ClaudeSettings } from './claude.js';
import type { ChatModel, ModelRequest, ModelResponse } from './types.js';

/**
 * Claude, with the Anthropic SDK loaded on the first request: starting the agent (and the
 * demo model, print-mode usage errors …) does not pay for loading it.
 */
export function lazyClaudeModel(settings: ClaudeSettings, options: ClaudeOptions = {}): ChatModel {
  let model: Promise<ChatModel> | undefined;
  return {
    info: { kind: 'claude', model: settings.model },
    async respond(request: ModelRequest): Promise<ModelResponse> {
      model ??= import('./claude.js').then((m) => new m.ClaudeModel(settings, options));
      return (await model).respond(request);
    },
  };
}

import type { ClaudeModel, ClaudeOptions, ClaudeSettings } from './claude.js';
import type { ChatModel } from './types.js';

/**
 * Claude, with the Anthropic SDK loaded on the first request: starting the agent (and the
 * demo model, print-mode usage errors …) does not pay for loading it.
 */
export function lazyClaudeModel(settings: ClaudeSettings, options: ClaudeOptions = {}): ChatModel {
  let model: Promise<ClaudeModel> | undefined;
  const load = (): Promise<ClaudeModel> => {
    model ??= import('./claude.js').then((m) => new m.ClaudeModel(settings, options));
    return model;
  };
  return {
    info: { kind: 'claude', model: settings.model },
    respond: async (request) => (await load()).respond(request),
    limits: async () => (await load()).limits(),
    countTokens: async (request) => (await load()).countTokens(request),
    compact: async (request) => (await load()).compact(request),
  };
}

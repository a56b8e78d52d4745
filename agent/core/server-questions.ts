import type { ElicitRequestParams, ElicitResult } from '@modelcontextprotocol/client';
import { formFields } from './elicitation-form.js';
import type { ServerQuestions } from './host/server-host.js';
import type { ChatModel } from './model/types.js';
import { runSampling, samplingRequest, type SamplingRequest } from './sampling.js';
import type { ToolCallRegistry } from './tool-calls/registry.js';

/**
 * Where what a server asks mid-call goes: to the front end's own answerer when it has one (-p:
 * flags), else to the asking call's record as a question (the chat's panel answers it through
 * AgentEngine.answerCall), else — no call to attach it to — declined.
 *
 * Not responsible for: rendering or keys (agent/ui/questions), nor the form's rules
 * (elicitation-form.ts), nor running the model (sampling.ts).
 */
export interface ServerQuestionDeps {
  registry: ToolCallRegistry;
  model: ChatModel;
  elicit?: (server: string, params: ElicitRequestParams, signal: AbortSignal, callId?: string) => Promise<ElicitResult>;
  approveSampling?: (request: SamplingRequest, signal: AbortSignal, callId?: string) => Promise<boolean>;
}

async function askElicitation(registry: ToolCallRegistry, callId: string, server: string, params: ElicitRequestParams): Promise<ElicitResult> {
  const base = { kind: 'elicitation' as const, server, message: params.message };
  const question =
    'requestedSchema' in params ? { ...base, mode: 'form' as const, fields: formFields(params.requestedSchema) } : { ...base, mode: 'url' as const, url: params.url };
  const answer = await registry.ask(callId, question);
  return answer.action === 'accept' && answer.content ? { action: 'accept', content: answer.content as NonNullable<ElicitResult['content']> } : { action: answer.action };
}

export function serverQuestions(deps: ServerQuestionDeps): ServerQuestions {
  return {
    elicit: (server, params, signal, callId) => {
      if (deps.elicit) return deps.elicit(server, params, signal, callId);
      return callId ? askElicitation(deps.registry, callId, server, params) : Promise.resolve({ action: 'decline' });
    },
    sample: (server, params, signal, callId) =>
      runSampling(
        deps.model,
        samplingRequest(server, params),
        params,
        async (request, s) => {
          if (deps.approveSampling) return deps.approveSampling(request, s, callId);
          if (!callId) return false;
          return (await deps.registry.ask(callId, { kind: 'sampling', ...request })).allowed;
        },
        signal,
      ),
  };
}

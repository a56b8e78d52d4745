import { toolResultText, type ToolResultBlock, type ToolUseBlock } from '../types.js';

export const DEMO_FOOTER = '(Answered by the offline demo model; set ANTHROPIC_API_KEY to use Claude.)';

export const DEMO_HELP = [
  "I'm Warden's offline demo model. I understand a few simple requests and answer them with the server's real tools:",
  '',
  '- reverse hello world',
  '- reverse alpha, beta and gamma (three calls at once)',
  '- weather alerts for CA (or: alerts for california)',
  '- forecast for 40.71, -74.0',
  '',
  'Several requests in one message run at the same time. Set ANTHROPIC_API_KEY to chat with Claude instead.',
].join('\n');

/** Long weather texts are cut so the answer stays readable in a terminal. */
const MAX_RESULT_CHARS = 1500;

function clip(text: string): string {
  const t = text.trim();
  return t.length > MAX_RESULT_CHARS ? `${t.slice(0, MAX_RESULT_CHARS - 1)}…` : t;
}

function callLabel(call: ToolUseBlock): string {
  const args = Object.values(call.input)
    .map((v) => JSON.stringify(v))
    .join(', ');
  return `${call.name}(${args})`;
}

function oneAnswer(call: ToolUseBlock, result: ToolResultBlock | undefined): string {
  if (!result) return `${callLabel(call)} gave no result.`;
  const content = toolResultText(result);
  if (result.cancelled) return `You cancelled ${callLabel(call)}, so there is no result for it.`;
  if (result.is_error) return `${callLabel(call)} failed: ${content.split('\n')[0]}`;
  // SERVER__TOOL when several servers are connected: the answer is about the tool.
  const tool = call.name.includes('__') ? call.name.slice(call.name.lastIndexOf('__') + 2) : call.name;
  switch (tool) {
    case 'reverse':
      return `${JSON.stringify(call.input.text)} reversed is ${JSON.stringify(content)}.`;
    case 'get_alerts':
      return `Weather alerts for ${String(call.input.state)}:\n\n${clip(content)}`;
    case 'get_forecast':
      return `Forecast for ${String(call.input.latitude)}, ${String(call.input.longitude)}:\n\n${clip(content)}`;
    default:
      return `${callLabel(call)} returned:\n\n${clip(content)}`;
  }
}

/** The demo model's reply once its calls are back: built only from the real tool results. */
export function demoAnswer(calls: readonly ToolUseBlock[], results: readonly ToolResultBlock[]): string {
  const byId = new Map(results.map((r) => [r.tool_use_id, r]));
  const parts = calls.map((call) => oneAnswer(call, byId.get(call.id)));
  return `${parts.join('\n\n')}\n\n${DEMO_FOOTER}`;
}

import { describe, expect, it } from 'vitest';
import { DemoModel } from '../../agent/core/model/demo/model.js';
import { runSampling, samplingRequest, SamplingRefusedError } from '../../agent/core/sampling.js';

const params = {
  messages: [
    { role: 'user' as const, content: { type: 'text' as const, text: 'Summarise: the sky is blue.' } },
    { role: 'user' as const, content: { type: 'image' as const, data: 'AAAA', mimeType: 'image/png' } },
  ],
  systemPrompt: 'Be brief.',
  maxTokens: 30,
};

describe('sampling on the chat model', () => {
  it('shows the server, the prompt as text (other content named) and the token limit', () => {
    expect(samplingRequest('notes', params)).toEqual({
      server: 'notes',
      prompt: 'user: Summarise: the sky is blue.\nuser: [image content]',
      systemPrompt: 'Be brief.',
      maxTokens: 30,
    });
  });

  it('the demo model answers without an API key once allowed; refused, nothing runs', async () => {
    const signal = new AbortController().signal;
    const asked: string[] = [];
    const result = await runSampling(new DemoModel(), samplingRequest('notes', params), params, async (r) => (asked.push(r.server), true), signal);
    expect(asked).toEqual(['notes']);
    expect(result).toMatchObject({ model: 'warden-demo', role: 'assistant', content: { type: 'text', text: expect.stringMatching(/\S/) }, stopReason: 'endTurn' });
    await expect(runSampling(new DemoModel(), samplingRequest('notes', params), params, async () => false, signal)).rejects.toBeInstanceOf(SamplingRefusedError);
  });
});

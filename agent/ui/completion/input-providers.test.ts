import { describe, expect, it } from 'vitest';
import { slashCommands } from '../slash-commands/index.js';
import { FakeEngine } from '../testing/fake-engine.js';
import { mentionProvider, promptArgumentProvider } from './input-providers.js';
import { slashCommandProvider } from './slash-provider.js';
import type { CompletionProvider } from './types.js';

const engine = new FakeEngine();
engine.prompts = [{ server: 'everything', name: 'args-prompt', title: 'Arguments Prompt', arguments: [{ name: 'city', required: true }], usage: '/everything:args-prompt CITY' }];
engine.completions = {
  '@ev': [{ value: '@everything:', complete: false }],
  '@everything:demo://a': [{ value: '@everything:demo://a.md', label: 'a.md', description: 'demo://a.md', complete: true }],
  'prompt:everything:args-prompt:0': [{ value: 'Paris', complete: true }],
  'prompt:everything:args-prompt:1': [{ value: 'PA', complete: true }],
};
const context = () => ({ engine, status: engine.getStatus() });
const ask = (provider: CompletionProvider, text: string) =>
  provider.complete({ text, cursor: Array.from(text).length, before: text }, new AbortController().signal) as Promise<
    { from: number; to: number; items: Array<{ value: string }> } | undefined
  >;

describe('completion from the servers', () => {
  it('an @ word anywhere in the line: the server (typed on), then a resource (a space after it)', async () => {
    expect(await ask(mentionProvider(context), 'read @ev')).toEqual({ from: 5, to: 8, items: [{ value: '@everything:' }] });
    expect((await ask(mentionProvider(context), 'read @everything:demo://a'))?.items).toEqual([{ value: '@everything:demo://a.md ', label: 'a.md', description: 'demo://a.md' }]);
    expect(await ask(mentionProvider(context), 'read ev')).toBeUndefined();
  });

  it('a prompt command’s argument, and the prompt itself among the slash commands', async () => {
    expect((await ask(promptArgumentProvider(context), '/everything:args-prompt Pa'))?.items).toEqual([{ value: 'Paris ' }]);
    // A quoted value is one argument, as when the line runs: the next word completes the second.
    expect((await ask(promptArgumentProvider(context), '/everything:args-prompt "New York" P'))?.items).toEqual([{ value: 'PA ' }]);
    expect(await ask(promptArgumentProvider(context), '/help me')).toBeUndefined();
    const names = await ask(slashCommandProvider(slashCommands, context), '/ev');
    expect(names?.items).toEqual([{ value: '/everything:args-prompt ', label: '/everything:args-prompt', description: 'Arguments Prompt' }]);
  });
});

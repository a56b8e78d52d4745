import { describe, expect, it } from 'vitest';
import { parsePromptCommand, promptArguments, promptUsage, splitWords } from '../../agent/core/user-input/prompt-command.js';
import type { ServerFeatures } from '../../agent/core/host/server-features.js';
import { attachMentions, findMentions, templateSegments } from '../../agent/core/user-input/resource-mentions.js';

describe('a prompt command line', () => {
  it('is /server:prompt then words; quotes keep spaces; anything else is not one', () => {
    expect(parsePromptCommand('/everything:args-prompt "New York" NY')).toEqual({ server: 'everything', prompt: 'args-prompt', words: ['New York', 'NY'] });
    expect(parsePromptCommand('/docs:summarize')).toEqual({ server: 'docs', prompt: 'summarize', words: [] });
    expect(parsePromptCommand('/help')).toBeUndefined();
    expect(parsePromptCommand('see /etc:hosts')).toBeUndefined();
    expect(splitWords(`a 'b c' "d`)).toEqual(['a', 'b c', 'd']);
  });

  it('gives words to the declared arguments: name=value by name, the rest in order, extra words join the last', () => {
    const declared = [{ name: 'city', required: true }, { name: 'state' }];
    expect(promptArguments(declared, ['Paris', 'Texas'])).toEqual({ city: 'Paris', state: 'Texas' });
    expect(promptArguments(declared, ['state=TX', 'Salt', 'Lake', 'City'])).toEqual({ state: 'TX', city: 'Salt Lake City' });
    expect(promptArguments(declared, ['other=1'])).toEqual({ city: 'other=1' });
    expect(promptUsage('weather', { name: 'forecast', arguments: declared })).toBe('/weather:forecast CITY [STATE]');
  });
});

describe('@ mentions', () => {
  it('are @server:uri of configured servers at the start or after a space, each once, without the sentence’s last punctuation', () => {
    expect(findMentions('read @docs:file:///a.md, then @docs:file:///a.md and mail bob@docs:x or @nobody:y.', ['docs'])).toEqual([{ server: 'docs', uri: 'file:///a.md' }]);
    expect(findMentions('@docs:demo://x/1 @docs:demo://x/2?', ['docs']).map((m) => m.uri)).toEqual(['demo://x/1', 'demo://x/2']);
  });

  it('URI templates split into literal parts and variables (operators and lists by their first name)', () => {
    expect(templateSegments('demo://r/{id}/v{+path}{?q,lang}')).toEqual([{ literal: 'demo://r/' }, { variable: 'id' }, { literal: '/v' }, { variable: 'path' }, { variable: 'q' }]);
  });

  it('attach an image resource as an image the model sees, named in the text before it; other binary data is described', async () => {
    const png = Buffer.from('png bytes').toString('base64');
    const docs: ServerFeatures = {
      name: 'docs',
      offers: () => ({ prompts: false, resources: true, completions: false }),
      listPrompts: async () => [],
      getPrompt: async () => ({ messages: [] }),
      listResources: async () => ({ resources: [], templates: [] }),
      complete: async () => [],
      readResource: async (uri) => ({ contents: [{ uri, mimeType: uri.endsWith('.png') ? 'image/png' : 'application/zip', blob: png }] }),
    };
    const notices: string[] = [];
    const { blocks, attached } = await attachMentions('compare @docs:demo://a.png with @docs:demo://b.zip', [docs], (n) => notices.push(n));
    expect(blocks).toEqual([
      { type: 'text', text: '[attached by the user: @docs:demo://a.png]\n[resource demo://a.png (image/png)]' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
      { type: 'text', text: '[attached by the user: @docs:demo://b.zip]\n[resource demo://b.zip: binary, application/zip, 9 B; not shown to the model]' },
    ]);
    expect(attached.map((a) => a.detail)).toEqual(['image/png, 9 B', 'application/zip, 9 B']);
    expect(notices).toEqual([]);
  });
});

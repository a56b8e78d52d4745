import { describe, expect, it } from 'vitest';
import { IMAGE_MAX_BASE64, LINKS_READ_MAX, toModelResult } from '../../agent/core/mcp/result-content.js';

describe('MCP results for the model', () => {
  it('an image too large or of another type is left out with a note; audio and binary resources are described, not pasted', async () => {
    const big = 'A'.repeat(IMAGE_MAX_BASE64 + 4);
    const { blocks, display } = await toModelResult({
      content: [
        { type: 'image', data: big, mimeType: 'image/png' },
        { type: 'image', data: 'AAAA', mimeType: 'image/tiff' },
        { type: 'audio', data: 'AAAAAAAA', mimeType: 'audio/wav' },
        { type: 'resource', resource: { uri: 'file:///x.bin', mimeType: 'application/octet-stream', blob: 'AAAAAAAA' } },
      ],
    });
    expect(blocks.every((b) => b.type === 'text')).toBe(true);
    expect(display.split('\n')).toEqual([
      '[image image/png (3.8 MB) left out: 5.0 MB encoded, over the 5.0 MB the model accepts]',
      '[image of type image/tiff (3 B) left out: only PNG, JPEG, GIF and WebP can be shown to the model]',
      '[audio audio/wav, 6 B; not shown to the model]',
      '[resource file:///x.bin: binary, application/octet-stream, 6 B; not shown to the model]',
    ]);
    expect(JSON.stringify(blocks)).not.toContain('AAAAAAAA');
  });

  it('an image resource (embedded, or read from a link) reaches the model as an image, after a line naming it', async () => {
    const png = Buffer.from('png bytes').toString('base64');
    const { blocks, display } = await toModelResult(
      {
        content: [
          { type: 'resource', resource: { uri: 'demo://chart.png', mimeType: 'image/png', blob: png } },
          { type: 'resource_link', uri: 'demo://logo.webp', name: 'logo' },
        ],
      },
      { readResource: async (uri) => ({ contents: [{ uri, mimeType: 'image/webp', blob: png }] }) },
    );
    expect(blocks).toEqual([
      { type: 'text', text: '[resource demo://chart.png (image/png)]' },
      { type: 'image', source: { type: 'base64', media_type: 'image/png', data: png } },
      { type: 'text', text: '[resource link demo://logo.webp: logo]\n[resource demo://logo.webp (image/webp)]' },
      { type: 'image', source: { type: 'base64', media_type: 'image/webp', data: png } },
    ]);
    expect(display).toBe('[resource demo://chart.png: image, image/png, 9 B]\n[resource link demo://logo.webp: logo]\n[resource demo://logo.webp: image, image/webp, 9 B]');
  });

  it(`reads at most ${LINKS_READ_MAX} resource links; one that cannot be read says why`, async () => {
    const reads: string[] = [];
    const links = Array.from({ length: LINKS_READ_MAX + 2 }, (_, i) => ({ type: 'resource_link' as const, uri: `demo://r/${i}`, name: `r${i}` }));
    const { blocks } = await toModelResult(
      { content: links },
      {
        readResource: async (uri) => {
          reads.push(uri);
          if (uri === 'demo://r/1') throw new Error('not found\nstack');
          return { contents: [{ uri, mimeType: 'text/plain', text: `text of ${uri}` }] };
        },
      },
    );
    expect(reads).toHaveLength(LINKS_READ_MAX);
    const text = blocks.map((b) => (b.type === 'text' ? b.text : '')).join('\n');
    expect(text).toContain('text of demo://r/0');
    expect(text).toContain('[resource link demo://r/1: r1]\n[could not read it: not found]');
    expect(text).toContain(`[resource link demo://r/${LINKS_READ_MAX + 1}: r${LINKS_READ_MAX + 1}]`);
    expect(text).not.toContain(`text of demo://r/${LINKS_READ_MAX}`);
  });
});

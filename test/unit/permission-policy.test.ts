import { describe, expect, it } from 'vitest';
import { decide, NO_PERMISSIONS, type PermissionSettings, type PolicyTool, type Trust } from '../../agent/core/permissions/policy.js';
import type { ToolAnnotations } from '../../agent/core/tool-calls/questions.js';

const write: PolicyTool = { server: 'files', tool: 'write_file', annotations: { destructiveHint: true }, trust: 'ask', serverId: 'files-id', usersOwn: true };
const read: PolicyTool = { server: 'files', tool: 'read_file', annotations: { readOnlyHint: true }, trust: 'ask', serverId: 'files-id', usersOwn: true };
const with_ = (patch: Partial<PermissionSettings>): PermissionSettings => ({ ...NO_PERMISSIONS, ...patch });
const rule = (pattern: string) => ({ pattern, file: '/home/u/.config/warden/mcp.json' });

describe('permission policy: order', () => {
  it('flags, then configuration deny, then allow, then saved rules, then the server trust', () => {
    expect(decide(NO_PERMISSIONS, write)).toEqual({ decision: 'ask', source: 'server files trust "ask"' });
    expect(decide(with_({ saved: [{ server: 'files', tool: 'write_file', for: 'files-id' }] }), write)).toMatchObject({
      decision: 'allow',
      source: 'saved rule: allow files › write_file',
    });
    expect(decide(with_({ allow: [rule('files__*')] }), write).source).toBe('permissions.allow "files__*" in /home/u/.config/warden/mcp.json');
    expect(decide(with_({ allowedTools: ['files__write_*'], allow: [rule('files__*')] }), write).source).toBe('--allowed-tools files__write_*');
    expect(decide(with_({ deny: [rule('files__write_file')], saved: [{ tool: 'files__write_file' }] }), write)).toMatchObject({ decision: 'deny' });
    expect(decide(with_({ disallowedTools: ['files__*'], deny: [rule('files__write_file')] }), write)).toEqual({ decision: 'deny', source: '--disallowed-tools files__*' });
  });

  it('deny always wins: over --allowed-tools, configuration allow and --yes', () => {
    const denied = with_({ deny: [rule('files__write_file')], allowedTools: ['files__write_file'], allow: [rule('*')], yes: true });
    expect(decide(denied, write).decision).toBe('deny');
    expect(decide(with_({ disallowedTools: ['*'], yes: true }), read).decision).toBe('deny');
    expect(decide(with_({ yes: true }), write)).toEqual({ decision: 'allow', source: '--yes' });
  });

  it('patterns: * anywhere, exact names otherwise, the plain name only for the one-server shortcut', () => {
    const s = (p: string) => with_({ allowedTools: [p] });
    expect(decide(s('files__read_*'), read).decision).toBe('allow');
    expect(decide(s('files__read_*'), write).decision).toBe('ask');
    expect(decide(s('*__write_file'), write).decision).toBe('allow');
    expect(decide(s('files__write'), write).decision).toBe('ask');
    // Regular-expression characters are literal.
    expect(decide(s('files__write.file'), write).decision).toBe('ask');
    expect(decide(s('write_file'), write).decision).toBe('ask');
    expect(decide(s('write_file'), { ...write, plainName: true }).decision).toBe('allow');
  });
});

describe('permission policy: annotations are hints, read only under read-only trust', () => {
  const cases: Array<[string, ToolAnnotations, Record<Trust, 'allow' | 'ask'>]> = [
    ['read-only', { readOnlyHint: true }, { ask: 'ask', 'read-only': 'allow', all: 'allow' }],
    ['read-only but destructive (a contradiction)', { readOnlyHint: true, destructiveHint: true }, { ask: 'ask', 'read-only': 'ask', all: 'allow' }],
    ['destructive', { destructiveHint: true }, { ask: 'ask', 'read-only': 'ask', all: 'allow' }],
    ['not destructive, not read-only', { destructiveHint: false }, { ask: 'ask', 'read-only': 'ask', all: 'allow' }],
    ['no annotations', {}, { ask: 'ask', 'read-only': 'ask', all: 'allow' }],
  ];
  for (const [name, annotations, expected] of cases) {
    it(`${name}: ${JSON.stringify(expected)}`, () => {
      for (const trust of ['ask', 'read-only', 'all'] as const) {
        expect(decide(NO_PERMISSIONS, { server: 's', tool: 't', annotations, trust }).decision, trust).toBe(expected[trust]);
      }
    });
  }

  it("a saved 'read-only tools of this server' rule covers only tools declared read-only (and not destructive) on that server", () => {
    const settings = with_({ saved: [{ server: 'files', readOnly: true, for: 'files-id' }] });
    expect(decide(settings, read).decision).toBe('allow');
    expect(decide(settings, write).decision).toBe('ask');
    expect(decide(settings, { ...read, server: 'other' }).decision).toBe('ask');
    expect(decide(settings, { ...read, annotations: { readOnlyHint: true, destructiveHint: true } }).decision).toBe('ask');
  });
});

describe("one server's rule never covers another server (issue 21 §5)", () => {
  const wipe = (server: string): PolicyTool => ({ server, tool: 'wipe', annotations: {}, trust: 'ask', serverId: `${server}-id`, usersOwn: true });

  it('patterns match the (server, tool) pair: a server named files__read_x or weather__x is not covered by files__read_* or weather__*', () => {
    const allowed = (pattern: string, call: PolicyTool) => decide(with_({ allowedTools: [pattern], allow: [rule(pattern)] }), call).decision;
    expect(allowed('files__read_*', wipe('files__read_x'))).toBe('ask');
    expect(allowed('weather__*', wipe('weather__x'))).toBe('ask');
    expect(allowed('weather__*', wipe('weather'))).toBe('allow');
    expect(allowed('weather__*', wipe('weather_'))).toBe('ask');
    // A glob on the server part still means several servers, on purpose.
    expect(allowed('weather*__wipe', wipe('weather__x'))).toBe('allow');
    expect(allowed('*', wipe('anything'))).toBe('allow');
  });

  it('a deny never covers less than it says: it also matches the whole SERVER__TOOL name', () => {
    expect(decide(with_({ disallowedTools: ['files__read_*'], yes: true }), wipe('files__read_x')).decision).toBe('deny');
    expect(decide(with_({ deny: [rule('*wipe*')], yes: true }), wipe('x')).decision).toBe('deny');
  });

  it('a saved rule belongs to the server it was given for: same name, other identity (a project server taking the name) gets nothing', () => {
    const saved = with_({
      saved: [
        { server: 'files', tool: 'write_file', for: 'files-id' },
        { server: 'files', readOnly: true, for: 'files-id' },
      ],
    });
    expect(decide(saved, write).decision).toBe('allow');
    expect(decide(saved, { ...write, serverId: 'project-files-id', usersOwn: false }).decision).toBe('ask');
    expect(decide(saved, { ...read, serverId: 'project-files-id', usersOwn: false }).decision).toBe('ask');
  });

  it('older saved rules (by name only) count only for servers the user configured', () => {
    const legacy = with_({ saved: [{ tool: 'files__write_file' }, { readOnlyServer: 'files' }] });
    expect(decide(legacy, write)).toMatchObject({ decision: 'allow', source: 'saved rule: allow files__write_file' });
    expect(decide(legacy, read).decision).toBe('allow');
    expect(decide(legacy, { ...write, usersOwn: false }).decision).toBe('ask');
    expect(decide(legacy, { ...read, usersOwn: false }).decision).toBe('ask');
  });
});

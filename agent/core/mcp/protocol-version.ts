/**
 * Which MCP protocol revision Warden speaks with one server, and why.
 *
 * The 2026-07-28 revision is stateless: a server may no longer send requests of its own (it asks
 * for elicitation or sampling by answering `input_required`), and cancelling needs no session.
 * Servers written for the 2025 revisions ask over a back-channel instead — FastMCP 4's and the
 * Python SDK 2.x's `ctx.elicit` and `ctx.session.create_message` refuse to run on a 2026-07-28
 * connection ("no back-channel"), while they work on 2025-11-25, which Claude Code speaks. So:
 *
 * - `auto` (the default), stdio: the 2025-11-25 `initialize` handshake first, as Claude Code does.
 *   On a pipe it costs nothing (the connection is a session: requests both ways, notifications
 *   and cancellation all work) and the server starts once (the SDK's 2026 probe would start a
 *   throw-away copy first). A server that refuses `initialize` gets 2026-07-28 instead.
 * - `auto`, HTTP: 2026-07-28 when the server offers it (stateless serving, cancellation without a
 *   session), else 2025-era. A server that shows it needs the back-channel (its refusal, below) is
 *   switched to 2025-11-25 for the rest of the session; the call that showed it is not repeated.
 * - a 2025-era revision (`2025-11-25`, `2025-06-18`, `2025-03-26`, `2024-11-05`): that handshake,
 *   no probe; `2026-07-28`: that revision or nothing.
 *
 * Not responsible for: connecting (session.ts) or where the setting is read (config-schema.ts).
 */
import type { ClientOptions } from '@modelcontextprotocol/client';

/** The 2025-era revisions, newest first: what the `initialize` handshake may offer and accept. */
export const LEGACY_VERSIONS = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05'] as const;
export const MODERN_VERSION = '2026-07-28';
/** The values of a server's `protocolVersion` setting. */
export const PROTOCOL_SETTINGS = ['auto', ...LEGACY_VERSIONS, MODERN_VERSION] as const;
export type ProtocolSetting = (typeof PROTOCOL_SETTINGS)[number];

/** What one connect attempt asks for: the 2025 handshake (at a revision) or the 2026 negotiation (auto or pinned). */
export type Era = { kind: 'legacy'; version: string } | { kind: 'negotiate' } | { kind: 'pinned' };

/** The first era to try for a server with this setting and transport. */
export function firstEra(setting: ProtocolSetting | undefined, stdio: boolean): Era {
  if (setting === MODERN_VERSION) return { kind: 'pinned' };
  if (setting !== undefined && setting !== 'auto') return { kind: 'legacy', version: setting };
  return stdio ? { kind: 'legacy', version: LEGACY_VERSIONS[0] } : { kind: 'negotiate' };
}

/** The SDK client options for an era. */
export function clientNegotiation(era: Era): Pick<ClientOptions, 'versionNegotiation' | 'supportedProtocolVersions'> {
  switch (era.kind) {
    case 'legacy':
      // The handshake offers the first entry; the server may answer with any of the others.
      return { versionNegotiation: { mode: 'legacy' }, supportedProtocolVersions: [era.version, ...LEGACY_VERSIONS.filter((v) => v !== era.version)] };
    case 'pinned':
      return { versionNegotiation: { mode: { pin: MODERN_VERSION } } };
    case 'negotiate':
      return { versionNegotiation: { mode: 'auto' } };
  }
}

/**
 * How the 2025-era Python servers refuse to ask on a 2026-07-28 connection: FastMCP's tool error
 * ("elicitation via server-initiated requests is unavailable on 2026-07-28 connections.") and the
 * Python SDK's NoBackChannelError ("Cannot send 'sampling/createMessage': this transport context
 * has no back-channel for server-initiated requests."), as a tool error or a JSON-RPC error.
 */
const BACK_CHANNEL_REFUSAL = /no back-channel for server-initiated requests|server-initiated requests is unavailable on 2026-07-28/i;

export function refusesWithoutBackChannel(text: string): boolean {
  return BACK_CHANNEL_REFUSAL.test(text);
}

/** Said with such a call's result: what happened, what changed, and that the call was not repeated. */
export const BACK_CHANNEL_NOTE =
  'Warden: this server asks its questions (elicitation, sampling) the way MCP 2025-11-25 does, which 2026-07-28 does not allow, so it could not ask. ' +
  'Warden now speaks 2025-11-25 with it. This call was not repeated (it may have done part of its work): call it again if that is safe.';

import type {
  Client,
  ClientCapabilities,
  CreateMessageRequestParams,
  CreateMessageResult,
  ElicitRequestParams,
  ElicitResult,
  LoggingLevel,
  Root,
} from '@modelcontextprotocol/client';

/**
 * What Warden offers a server as an MCP client: the capabilities it declares and the handlers
 * behind them (roots, elicitation, sampling), plus the server's log messages.
 *
 * Responsible for: declaring exactly what has a handler, and wiring each server→client request
 * to the function the host gives (bound to that server).
 * Not responsible for: asking the user or running a model — the handlers come from the engine.
 */

export interface ServerLogMessage {
  level: LoggingLevel;
  logger?: string;
  /** The message as the server sent it (any JSON); display code makes it one safe line. */
  data: unknown;
}

/** The handlers one server's session gets; each already knows which server it serves. */
export interface ClientFeatures {
  /** The roots offered now (`file://` URIs). */
  roots: () => Root[];
  /** A form or URL question for the user; resolves with the user's answer (or a decline). */
  elicit: (params: ElicitRequestParams, signal: AbortSignal) => Promise<ElicitResult>;
  /** A `sampling/createMessage` request; resolves with the model's answer once the user allowed it. */
  sample: (params: CreateMessageRequestParams, signal: AbortSignal) => Promise<CreateMessageResult>;
  onLog: (message: ServerLogMessage) => void;
}

/** Declared on every connection: each has a handler below, so a server never sees a capability that then fails. */
export const CLIENT_CAPABILITIES: ClientCapabilities = {
  roots: { listChanged: true },
  elicitation: { form: {}, url: {} },
  sampling: {},
};

/** Registers the handlers on a client created with CLIENT_CAPABILITIES (before it connects). */
export function installClientFeatures(client: Client, features: ClientFeatures): void {
  client.setRequestHandler('roots/list', () => ({ roots: features.roots() }));
  client.setRequestHandler('elicitation/create', (request, ctx) => features.elicit(request.params, ctx.mcpReq.signal));
  client.setRequestHandler('sampling/createMessage', (request, ctx) => features.sample(request.params, ctx.mcpReq.signal));
  client.setNotificationHandler('notifications/message', (notification) => {
    const { level, logger, data } = notification.params;
    features.onLog({ level, ...(logger !== undefined && { logger }), data });
  });
}

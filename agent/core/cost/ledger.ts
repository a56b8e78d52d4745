/**
 * The conversation's running account: every model request's usage and cost by model (turns,
 * summaries and compactions alike), and what each MCP server added — its tool results, and its
 * tool definitions in every request. A resumed conversation's earlier requests are counted in.
 *
 * Not responsible for: prices (prices.ts), the context's size (context/context-manager.ts).
 */
import type { ModelUsage, ServerUsage, TurnUsage, UsageReport } from '../engine-types.js';
import { addUsage, NO_USAGE } from '../usage.js';
import { costOf, PRICES_AS_OF } from './prices.js';

export class UsageLedger {
  private readonly models = new Map<string, ModelUsage>();
  private readonly servers = new Map<string, ServerUsage>();

  /** One model request. */
  request(model: string, usage: TurnUsage): void {
    const before = this.models.get(model) ?? { model, requests: 0, usage: NO_USAGE };
    const cost = costOf(model, usage);
    this.models.set(model, {
      model,
      requests: before.requests + 1,
      usage: addUsage(before.usage, usage),
      ...(cost !== undefined && { costUsd: (before.costUsd ?? 0) + cost }),
    });
  }

  /** One tool call's result, as sent to the model. */
  call(server: string, resultTokens: number): void {
    const before = this.server(server);
    this.servers.set(server, { ...before, calls: before.calls + 1, resultTokens: before.resultTokens + resultTokens });
  }

  /** The tool definitions each server had in one request. */
  definitions(perServer: Readonly<Record<string, number>>): void {
    for (const [server, tokens] of Object.entries(perServer)) {
      const before = this.server(server);
      this.servers.set(server, { ...before, definitionTokens: tokens, definitionTokensSent: before.definitionTokensSent + tokens });
    }
  }

  /** All priced requests together; undefined before any was priced. */
  costUsd(): number | undefined {
    const priced = [...this.models.values()].filter((m) => m.costUsd !== undefined);
    return priced.length > 0 ? priced.reduce((n, m) => n + (m.costUsd ?? 0), 0) : undefined;
  }

  report(context?: { tokens: number; window: number }): UsageReport {
    const models = [...this.models.values()];
    const cost = this.costUsd();
    return {
      models,
      servers: [...this.servers.values()].sort((a, b) => b.resultTokens + b.definitionTokensSent - (a.resultTokens + a.definitionTokensSent)),
      ...(cost !== undefined && { costUsd: cost }),
      // The demo model costs nothing, so it is not "unpriced".
      unpriced: models.filter((m) => m.costUsd === undefined && m.model !== 'demo').map((m) => m.model),
      pricesAsOf: PRICES_AS_OF,
      ...(context && { context }),
    };
  }

  clear(): void {
    this.models.clear();
    this.servers.clear();
  }

  private server(name: string): ServerUsage {
    return this.servers.get(name) ?? { server: name, calls: 0, resultTokens: 0, definitionTokens: 0, definitionTokensSent: 0 };
  }
}

/** The names of Warden's subcommands (agent/cli.ts loads each; a mistyped one gets the closest). */
export const SUBCOMMANDS = ['serve', 'dev-idp', 'login', 'logout', 'status', 'demo', 'mcp', 'trust'] as const;

export type Subcommand = (typeof SUBCOMMANDS)[number];

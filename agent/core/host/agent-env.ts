/**
 * The environment the agent's commands see (issue 21 §2): the process environment, over the
 * user's own `~/.config/warden/.env`, and a project's `./.env` only once the user approved it (its
 * SHA-256 in the same store as `.mcp.json` approvals, or --trust-project for one `-p` run). A
 * cloned repository's `.env` could otherwise send the user's API key to a URL of its choosing
 * (ANTHROPIC_BASE_URL), their Entra token to a server of its choosing (MCP_SERVER_URL), sign them
 * in elsewhere (ENTRA_AUTHORITY_HOST), trust a certificate (WARDEN_DEV_CA_FILE), move their token
 * cache (WARDEN_TOKEN_CACHE) or run a program of its choosing as their browser (BROWSER).
 *
 * A project `.env` that sets nothing Warden reads (an application's own `.env`) is no concern of
 * Warden's: never asked about, never applied. The server commands (`serve`, `dev-idp`) read their
 * operator's `./.env` as before (config/load.ts).
 * Not responsible for asking the user (the chat) nor for what the variables mean (each part's schema).
 */
import type { Env } from '../../../config/load.js';
import { readDotenvFile, withDefaults } from '../../../config/load.js';
import { projectEnvFile, trustStoreFile, userEnvFile } from './paths.js';
import { isProjectFileApproved } from './trust-store.js';

/** A project `.env` the user has not approved, that sets variables Warden reads. */
export interface ProjectEnvFile {
  file: string;
  hash: string;
  /** Every variable it sets (applied only once approved). */
  values: Record<string, string>;
  /** The variables of Warden's among them, in file order. */
  wardens: string[];
}

export interface AgentEnv {
  env: Env;
  /** The project's `.env`, when it waits for approval. */
  unapproved?: ProjectEnvFile;
  /** The environment with the project's `.env` applied (once the user approved it, or --trust-project). */
  withProject(): Env;
}

/** Variables Warden (or a library it runs) reads: every one in .env.example, and the browser opener. */
const WARDEN_VARIABLE = /^(ANTHROPIC_|ENTRA_|MCP_|WARDEN_|AZURE_|AUTH_|NWS_|OTEL_|METRICS_|RATE_LIMIT|REVERSE_STEP_MS$|BROWSER$|NO_COLOR$)/;

export interface AgentEnvOptions {
  /** The process environment (HOME comes from here, never from a file). */
  processEnv: Env;
  home: string;
  cwd: string;
  /** Default ~/.config/warden/trusted-mcp-files.json. */
  trustStorePath?: string;
}

export async function loadAgentEnv(options: AgentEnvOptions): Promise<AgentEnv> {
  const projectFile = projectEnvFile(options.cwd);
  // In ~/.config/warden itself, ./.env is the user's own file.
  const project = projectFile === userEnvFile(options.home) ? undefined : readDotenvFile(projectFile);
  const user = readDotenvFile(userEnvFile(options.home))?.values ?? {};
  // The process environment first, then the project's file, then the user's own (each fills only what is unset).
  const build = (projectValues: Record<string, string>): Env => withDefaults(withDefaults({ ...options.processEnv }, projectValues), user);
  const withProject = (): Env => build(project?.values ?? {});
  const wardens = Object.keys(project?.values ?? {}).filter((name) => WARDEN_VARIABLE.test(name));
  if (!project || wardens.length === 0) return { env: build({}), withProject: () => build({}) };
  if (await isProjectFileApproved(projectFile, project.hash, { storePath: options.trustStorePath ?? trustStoreFile(options.home) })) {
    return { env: withProject(), withProject };
  }
  return { env: build({}), unapproved: { file: projectFile, hash: project.hash, values: project.values, wardens }, withProject };
}

/** How the user approves a project's files outside the chat (which asks by itself). */
export const APPROVE_HINT = 'run `warden trust` in this directory to review and approve it';

/** One line for a command that went on without the project's `.env`. */
export function projectEnvNotice(file: ProjectEnvFile, how = APPROVE_HINT): string {
  return `ignored ${file.file} (it sets ${file.wardens.join(', ')}): the file is not approved (${how})`;
}

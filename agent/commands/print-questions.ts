import { readFile } from 'node:fs/promises';
import type { ElicitRequestParams, ElicitResult } from '@modelcontextprotocol/client';
import { UsageError } from '../../config/errors.js';
import { safeLine } from '../../config/terminal-text.js';
import { checkAnswers, formFields, withDefaults } from '../core/elicitation-form.js';
import type { SamplingRequest } from '../core/sampling.js';

/**
 * What print mode (-p) answers when a server asks something mid-call: no one is there to ask, so
 * questions are declined and sampling refused, each with one line on stderr — unless the user gave
 * answers (`--elicit-json FILE`) or allowed sampling (`--allow-sampling`) up front.
 *
 * Not responsible for: the chat's panels (agent/ui), nor running the model (agent/core/sampling.ts).
 */

export interface PrintQuestionOptions {
  /** The answers of --elicit-json: one object; each form question gets the fields it asks for (the form's defaults fill the rest). */
  answers?: Record<string, unknown>;
  allowSampling: boolean;
  stderr: { write(text: string): unknown };
}

/** Reads --elicit-json FILE; a bad file is a usage error naming it. */
export async function readElicitAnswers(file: string): Promise<Record<string, unknown>> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    throw new UsageError(`cannot read --elicit-json ${file}: ${(error as NodeJS.ErrnoException).code ?? 'unreadable'}`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new UsageError(`invalid --elicit-json ${file}: not JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw new UsageError(`invalid --elicit-json ${file}: expected a JSON object of answers`);
  return value as Record<string, unknown>;
}

export function printQuestions(options: PrintQuestionOptions): {
  elicit: (server: string, params: ElicitRequestParams, signal: AbortSignal) => Promise<ElicitResult>;
  approveSampling: (request: SamplingRequest) => Promise<boolean>;
} {
  const say = (line: string): void => {
    options.stderr.write(`warden: ${line}\n`);
  };
  return {
    elicit: async (server, params) => {
      const question = safeLine(params.message, 200);
      if (!('requestedSchema' in params)) {
        say(`server "${server}" asked you to open a web page (${question}); -p declines`);
        return { action: 'decline' };
      }
      if (!options.answers) {
        say(`server "${server}" asked: ${question} — -p declines (give answers with --elicit-json FILE)`);
        return { action: 'decline' };
      }
      const fields = formFields(params.requestedSchema);
      // The file's answers for the fields asked; the form's defaults for the rest, as the chat's form starts from them.
      const given = Object.fromEntries(fields.flatMap((f) => (options.answers?.[f.name] === undefined ? [] : [[f.name, options.answers[f.name]]])));
      const content = withDefaults(fields, given);
      const problems = checkAnswers(fields, content);
      if (problems.length > 0) {
        say(`server "${server}" asked: ${question} — the --elicit-json answers do not fit (${safeLine(problems.join('; '), 300)}), so -p declines`);
        return { action: 'decline' };
      }
      say(`server "${server}" asked: ${question} — answered from --elicit-json`);
      return { action: 'accept', content: content as NonNullable<ElicitResult['content']> };
    },
    approveSampling: async (request) => {
      if (!options.allowSampling) {
        say(`server "${request.server}" asked to use the model (up to ${request.maxTokens} tokens); -p refuses (allow with --allow-sampling)`);
        return false;
      }
      say(`server "${request.server}" uses the model (up to ${request.maxTokens} tokens), allowed by --allow-sampling`);
      return true;
    },
  };
}

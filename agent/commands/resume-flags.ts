/**
 * `--continue` / `-c` and `--resume [ID]` / `-r [ID]` for the chat, `-p` and the demo: which saved
 * conversation to go on with. `--resume` takes an ID or nothing (the chat's picker), which
 * `parseArgs` cannot say, so it is taken out of the arguments first.
 */
import { UsageError } from '../../config/errors.js';
import { takeOptionalFlag } from '../../config/flags.js';
import { CONVERSATION_ID_ARG } from '../core/conversations/records.js';
import type { ResumeChoice } from '../core/engine-types.js';

export interface ResumeFlag {
  /** The arguments without `--resume [ID]`. */
  rest: string[];
  present: boolean;
  value?: string;
}

export function takeResumeFlag(argv: readonly string[]): ResumeFlag {
  return takeOptionalFlag(argv, ['--resume', '-r'], (arg) => CONVERSATION_ID_ARG.test(arg));
}

/** What the flags ask for; throws a UsageError for a combination that makes no sense. */
export function resumeChoice(continueFlag: boolean | undefined, resume: ResumeFlag): ResumeChoice | undefined {
  if (continueFlag && resume.present) throw new UsageError('--continue and --resume cannot go together');
  if (resume.value === '') throw new UsageError('--resume= needs a conversation ID');
  if (continueFlag) return { latest: true };
  if (!resume.present) return undefined;
  return resume.value !== undefined ? { id: resume.value } : { pick: true };
}

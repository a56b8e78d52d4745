/**
 * Questions a running tool call can put to the user, and their answers: one discriminated union
 * by `kind`. A call waits (its record carries the question) until the front end answers through
 * `AgentEngine.answerCall`, or until the call is cancelled.
 *
 * Responsible for: the shape of each kind's question and answer, and each kind's "no" (the answer
 * Esc gives in the TUI and the one a front end without prompts gives).
 * Not responsible for: asking (ToolCallRegistry.ask), rendering or keys (agent/ui/questions).
 *
 * To add a kind: add an entry to CallQuestionKinds and to DECLINE below; the compiler then asks
 * for its UI in agent/ui/questions/index.ts.
 */

import type { FormField } from '../elicitation-form.js';
import type { SamplingRequest } from '../sampling.js';

/** Annotations a server declared on a tool (hints: a server is trusted only as far as its trust level says). */
export interface ToolAnnotations {
  readOnlyHint?: boolean;
  destructiveHint?: boolean;
  idempotentHint?: boolean;
  openWorldHint?: boolean;
}

/** May this call run? Asked when the policy says `ask`. The arguments are the record's own `args`. */
export interface ApprovalQuestion {
  /** The server's annotations for this tool, as declared (shown, never trusted by themselves). */
  annotations: ToolAnnotations;
  /** The server declared the tool read-only, so "allow this server's read-only tools" would cover it. */
  readOnly: boolean;
}

export type ApprovalDecision =
  /** Allow this call only. */
  | 'once'
  /** Allow this tool from now on (saved to the user's configuration). */
  | 'always'
  /** Allow every tool of this server annotated read-only (saved to the user's configuration). */
  | 'server-read-only'
  | 'deny';

export interface ApprovalAnswer {
  decision: ApprovalDecision;
  /** For `deny`: what the user typed for the model. */
  reason?: string;
}

/** A server's question for the user (MCP elicitation): a form built from its schema, or a page to open. */
export type ElicitationQuestion = { server: string; message: string } & ({ mode: 'form'; fields: FormField[] } | { mode: 'url'; url: string });

export interface ElicitationAnswer {
  /** accept: sent (with `content` for a form); decline: the user said no; cancel: dismissed (Esc). */
  action: 'accept' | 'decline' | 'cancel';
  content?: Record<string, unknown>;
}

/** Every kind: its question body and its answer body (both get `kind` added). */
export interface CallQuestionKinds {
  approval: { question: ApprovalQuestion; answer: ApprovalAnswer };
  elicitation: { question: ElicitationQuestion; answer: ElicitationAnswer };
  /** May the server use the model for this request (MCP sampling)? */
  sampling: { question: SamplingRequest; answer: { allowed: boolean } };
}

export type QuestionKind = keyof CallQuestionKinds;
export type QuestionOf<K extends QuestionKind> = { kind: K } & CallQuestionKinds[K]['question'];
export type AnswerOf<K extends QuestionKind> = { kind: K } & CallQuestionKinds[K]['answer'];
export type CallQuestion = { [K in QuestionKind]: QuestionOf<K> }[QuestionKind];
export type CallAnswer = { [K in QuestionKind]: AnswerOf<K> }[QuestionKind];

/** Each kind's "no": what Esc answers, and what a front end that cannot ask (-p) answers. */
const DECLINE: { [K in QuestionKind]: (question: QuestionOf<K>) => AnswerOf<K> } = {
  approval: () => ({ kind: 'approval', decision: 'deny' }),
  elicitation: () => ({ kind: 'elicitation', action: 'cancel' }),
  sampling: () => ({ kind: 'sampling', allowed: false }),
};

export function declineAnswer<K extends QuestionKind>(question: QuestionOf<K>): AnswerOf<K> {
  return (DECLINE[question.kind] as (q: QuestionOf<K>) => AnswerOf<K>)(question);
}

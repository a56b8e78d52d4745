import { useCallback, useRef, useState } from 'react';
import type { ApprovalReason } from '../../../auth/login/sign-in-policy.js';
import { errorMessage } from '../../../config/error-text.js';
import type { AgentEngine, SessionStatus } from '../../core/engine-types.js';
import { useKeys } from '../keyboard/KeyboardContext.js';
import type { TranscriptEntry } from '../transcript.js';

/**
 * The approval question while the engine holds a token back (auth 'approval-needed'): `y`
 * records the approval and reconnects, `n` sends nothing. Behaviour only; ApprovalPanel renders.
 */
export interface ServerApproval {
  /** A question is on screen and owns the keys. */
  active: boolean;
  request: ApprovalReason | undefined;
  /** The answer is being recorded (the panel stays, keys are ignored). */
  answering: boolean;
}

export interface ServerApprovalDeps {
  engine: AgentEngine;
  status: SessionStatus;
  add: (...entries: TranscriptEntry[]) => void;
}

export function useServerApproval({ engine, status, add }: ServerApprovalDeps): ServerApproval {
  const [answering, setAnswering] = useState(false);
  const busy = useRef(false);
  const request = status.auth.state === 'approval-needed' ? status.auth.request : undefined;

  const answer = useCallback(
    (approved: boolean) => {
      if (busy.current) return;
      busy.current = true;
      setAnswering(true);
      engine
        .answerApproval(approved)
        .then(
          () => add({ kind: 'info', text: approved ? 'Approved; connecting again.' : 'Not approved: no token was sent. Type /login to be asked again.' }),
          (error: unknown) => add({ kind: 'error', text: `Could not record the approval: ${errorMessage(error)}` }),
        )
        .finally(() => {
          busy.current = false;
          setAnswering(false);
        });
    },
    [engine, add],
  );

  // Modal: every key is the question's while it shows.
  useKeys(
    'server-approval',
    ({ input }) => {
      const key = input.toLowerCase();
      if (key === 'y') answer(true);
      else if (key === 'n') answer(false);
      return true;
    },
    request !== undefined,
  );

  return { active: request !== undefined, request, answering };
}

import { useCallback, useEffect, useRef, useState } from 'react';
import type { DeviceCodePrompt } from '../../../auth/login/types.js';
import { errorMessage } from '../../../config/error-text.js';
import type { AgentEngine, SessionStatus } from '../../core/engine-types.js';
import { useKeys } from '../keyboard/KeyboardContext.js';
import type { TranscriptEntry } from '../transcript.js';

export type BrowserOpener = (url: string) => Promise<void>;

export interface SignIn {
  /** A device-code sign-in is running: the login panel shows and owns the keys. */
  active: boolean;
  /** The code to show, once the identity provider issued it. */
  prompt: DeviceCodePrompt | undefined;
  /** What `o` did, for the panel to confirm. */
  browser: 'unavailable' | 'ready' | 'opened' | 'failed';
  /** Signs in to `server`, or to the server that needs it. */
  start(server?: string): void;
  /** Stops a running sign-in; false when none runs. */
  cancel(): boolean;
}

export interface SignInDeps {
  engine: AgentEngine;
  status: SessionStatus;
  add: (...entries: TranscriptEntry[]) => void;
  /** Absent when there is no browser to open (SSH, headless). */
  openBrowser: BrowserOpener | undefined;
}

/** Why a server refused the token just issued for it, if one did. */
function rejection(status: SessionStatus): string | undefined {
  for (const auth of [status.auth, ...status.servers.map((s) => s.auth)]) if (auth.state === 'error' && auth.rejected) return auth.error;
  return undefined;
}

/**
 * Device-code sign-in: starts by itself once each time the server says sign-in is needed,
 * again on /login; `o` opens the verification page, Esc cancels.
 */
export function useSignIn({ engine, status, add, openBrowser }: SignInDeps): SignIn {
  const controller = useRef<AbortController | undefined>(undefined);
  const [running, setRunning] = useState(false);
  const [browser, setBrowser] = useState<SignIn['browser']>(openBrowser ? 'ready' : 'unavailable');
  const autoStarted = useRef(false);

  useEffect(() => () => controller.current?.abort(), []);

  const start = useCallback(
    (server?: string) => {
      if (controller.current) return;
      const attempt = new AbortController();
      controller.current = attempt;
      setRunning(true);
      setBrowser(openBrowser ? 'ready' : 'unavailable');
      engine
        .signIn(attempt.signal, server)
        .then(
          () => {
            const auth = engine.getStatus().auth;
            // The server refused the new token: the effect below says so, once.
            if (rejection(engine.getStatus())) return;
            add({ kind: 'info', text: auth.state === 'signed-in' ? `Signed in as ${auth.account}.` : 'Signed in.' });
          },
          (error: unknown) => {
            // The engine asks the user to approve the server first; that question is the answer.
            if (engine.getStatus().auth.state === 'approval-needed') return;
            add(
              attempt.signal.aborted
                ? { kind: 'info', text: 'Sign-in cancelled. Type /login to sign in.' }
                : { kind: 'error', text: `Sign-in failed: ${errorMessage(error)} — type /login to try again.` },
            );
          },
        )
        .finally(() => {
          controller.current = undefined;
          setRunning(false);
        });
    },
    [engine, add, openBrowser],
  );

  const cancel = useCallback(() => {
    if (!controller.current || controller.current.signal.aborted) return false;
    controller.current.abort(new Error('sign-in cancelled by the user'));
    return true;
  }, []);

  // Once per episode of "sign-in needed": a cancelled or failed attempt is not retried in a loop.
  // Not while a server approval is pending or was refused: signing in would not send the token anyway.
  // Nor after a server refused a token just issued for it: another sign-in gets the same token.
  const waiting = (auth: SessionStatus['auth']): boolean =>
    auth.state === 'approval-needed' || auth.state === 'approval-declined' || (auth.state === 'error' && auth.rejected === true);
  // With several servers one may need sign-in while the others work.
  const needed =
    (status.connection.state === 'sign-in-needed' && !waiting(status.auth)) ||
    status.servers.some((s) => s.connection.state === 'sign-in-needed' && s.auth.state !== 'disabled' && !waiting(s.auth));
  useEffect(() => {
    if (!needed) {
      autoStarted.current = false;
      return;
    }
    if (autoStarted.current) return;
    autoStarted.current = true;
    start();
  }, [needed, start]);

  // One message per refusal, whether it followed a sign-in or a silent refresh.
  const refused = rejection(status);
  const told = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (refused === undefined) told.current = undefined;
    if (refused === undefined || refused === told.current) return;
    told.current = refused;
    add({ kind: 'error', text: `Sign-in stopped: ${refused}. Type /login once that is fixed.` });
  }, [refused, add]);

  const prompt = status.auth.state === 'signing-in' ? status.auth.prompt : undefined;
  const active = running || status.auth.state === 'signing-in';

  // Modal: the panel takes every key while it shows.
  useKeys(
    'sign-in',
    ({ input, key }) => {
      if (key.escape) cancel();
      else if (input === 'o' && prompt && openBrowser) {
        openBrowser(prompt.verificationUriComplete ?? prompt.verificationUri).then(
          () => setBrowser('opened'),
          () => setBrowser('failed'),
        );
      }
      return true;
    },
    active,
  );

  return { active, prompt, browser, start, cancel };
}

import { Box, useApp, useStdout } from 'ink';
import { useCallback, useMemo } from 'react';
import type { DeviceCodePrompt } from '../../auth/login/types.js';
import { slashCommands } from './slash-commands/index.js';
import type { SlashCommandContext } from './slash-commands/types.js';
import { ApprovalPanel, approvalPanelRows } from './components/ApprovalPanel.js';
import { ConversationPicker, conversationPickerRows } from './components/ConversationPicker.js';
import { InputBox } from './components/InputBox.js';
import { LoginPanel, loginPanelRows } from './components/LoginPanel.js';
import { StatusBar } from './components/StatusBar.js';
import { statusBarRows, statusItems, type KeyMode } from './components/statusItems.js';
import { ToolCallGroup } from './components/ToolCallGroup.js';
import { Transcript } from './components/Transcript.js';
import { TurnIndicator } from './components/TurnIndicator.js';
import type { ResumeChoice } from '../core/engine-types.js';
import { useEngine } from './contexts/EngineContext.js';
import { draftOf, useCallQuestions } from './hooks/useCallQuestions.js';
import { useCountdown } from './hooks/useCountdown.js';
import { useFocusedCall } from './hooks/useFocusedCall.js';
import { useInputHistory } from './hooks/useInputHistory.js';
import { useInterrupt } from './hooks/useInterrupt.js';
import { useLineEditor } from './hooks/useLineEditor.js';
import { useNow } from './hooks/useNow.js';
import { CLEAR_SCREEN, useRedrawOnResize } from './hooks/useRedrawOnResize.js';
import { useResume } from './hooks/useResume.js';
import { useServerApproval } from './hooks/useServerApproval.js';
import { useSessionStatus } from './hooks/useSessionStatus.js';
import { useSignIn, type BrowserOpener } from './hooks/useSignIn.js';
import { isSlashCommand, useSlashCommands } from './hooks/useSlashCommands.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';
import { useToolCalls } from './hooks/useToolCalls.js';
import { useTranscript } from './hooks/useTranscript.js';
import { useTurn } from './hooks/useTurn.js';
import { layoutLiveRegion } from './layout.js';

export interface AppProps {
  demo?: boolean;
  /** Absent when there is no browser to open. */
  openBrowser?: BrowserOpener;
  /** Told before the app unmounts because the user asked to leave (/exit, Ctrl-C twice). */
  onExit?: () => void;
  /** An extra line under a device code, e.g. the demo's curl command for approving without a browser. */
  signInHint?: (prompt: DeviceCodePrompt) => string;
  /** A saved conversation to go on with at start (`--continue`, `--resume [ID]`). */
  resume?: ResumeChoice;
}

/** Conversations the picker shows at once. */
const PICKER_ENTRIES = 8;

/** The chat screen: wires hooks (state and keys) to components (rendering only). */
export function App({ demo = false, openBrowser, onExit, signInHint, resume: initialResume }: AppProps) {
  const engine = useEngine();
  const { exit } = useApp();
  const { stdout, write } = useStdout();
  const { columns, rows } = useTerminalSize();
  const redraws = useRedrawOnResize(columns);
  const status = useSessionStatus(engine);
  const transcript = useTranscript([{ kind: 'welcome', demo }]);
  const calls = useToolCalls(engine.registry, transcript.addCalls);
  const turn = useTurn({ engine, add: transcript.add, flushCalls: calls.flush });
  const signIn = useSignIn({ engine, status, add: transcript.add, openBrowser });
  const approval = useServerApproval({ engine, status, add: transcript.add });
  const remainingMs = useCountdown(signIn.prompt?.expiresAt);
  const statusNow = useNow(15_000);
  // Calls tick on their own frames; this clock only runs the spinner when no call does.
  const spinnerNow = useNow(100, (turn.running || signIn.active) && calls.running.length === 0);
  const now = calls.running.length > 0 ? calls.now : spinnerNow;
  const questions = useCallQuestions({ calls: calls.running, engine, active: !signIn.active && !approval.active });
  const asking = questions.focusedId !== undefined;
  // While a call waits for an answer, Tab and Esc belong to the questions.
  const focus = useFocusedCall({
    running: calls.running,
    cancel: (id) => engine.registry.cancel(id),
    active: !signIn.active && !approval.active && !asking,
  });
  const openCall = questions.waiting.find((c) => c.id === questions.focusedId);
  const focusedId = openCall?.id ?? focus.focusedId;

  const { add: addEntry, clear: clearTranscript } = transcript;
  const clearScreen = useCallback(() => {
    if (stdout.isTTY) write(CLEAR_SCREEN);
    clearTranscript();
  }, [stdout, write, clearTranscript]);
  const resume = useResume({
    engine,
    add: addEntry,
    // A resumed conversation starts a fresh screen under the usual welcome line.
    clear: useCallback(() => {
      clearScreen();
      addEntry({ kind: 'welcome', demo });
    }, [clearScreen, addEntry, demo]),
    ...(initialResume && { initial: initialResume }),
    enabled: !turn.running && !signIn.active && !approval.active,
  });

  const quit = useCallback(() => {
    onExit?.();
    exit();
  }, [onExit, exit]);

  const commandContext = useMemo<SlashCommandContext>(
    () => ({
      engine,
      status,
      now: statusNow,
      add: transcript.add,
      commands: slashCommands,
      signIn: signIn.start,
      clearScreen,
      resumeConversation: (id) => (id === undefined ? resume.pick() : resume.resume(id)),
      exit: quit,
    }),
    [engine, status, statusNow, transcript, signIn.start, clearScreen, resume.pick, resume.resume, quit],
  );
  const runCommand = useSlashCommands(commandContext);

  const history = useInputHistory();
  const editor = useLineEditor({
    enabled: !turn.running && !signIn.active && !approval.active && !resume.active,
    history,
    onSubmit: (text) => (isSlashCommand(text) ? runCommand(text) : turn.submit(text)),
  });
  const interrupt = useInterrupt(() => {
    if (!turn.cancel() && !signIn.cancel()) editor.clear();
  }, quit);

  const mode: KeyMode = approval.active
    ? 'approval'
    : signIn.active
      ? 'login'
      : asking
        ? 'question'
        : calls.running.length > 0
          ? 'calls'
          : turn.running
            ? 'turn'
            : resume.active
              ? 'picker'
              : 'idle';

  // The live region (everything below the transcript) must stay shorter than the terminal, or
  // Ink clears and redraws the whole screen on every frame: each part says how tall it draws.
  const hint = signIn.prompt && signInHint ? signInHint(signIn.prompt) : undefined;
  const margin = 1;
  const panelRows =
    (signIn.active ? margin + loginPanelRows({ prompt: signIn.prompt, remainingMs, browser: signIn.browser, hint }, columns) : 0) +
    (approval.request ? margin + approvalPanelRows({ request: approval.request, answering: approval.answering }, columns) : 0) +
    (resume.active ? margin + conversationPickerRows({ conversations: resume.conversations, visible: PICKER_ENTRIES }) : 0);
  const bottomRows = margin + (turn.running ? 1 : 3) + statusBarRows(statusItems(status, statusNow), columns);
  const { group: groupLayout, liveRows } = layoutLiveRegion({
    rows,
    bottomRows,
    panelRows,
    questionRows: questions.openRows,
    streaming: turn.liveText !== '',
    running: calls.running,
    focusedId,
  });

  return (
    <Box flexDirection="column" width={columns}>
      <Transcript
        items={transcript.items}
        generation={`${transcript.epoch}:${redraws}`}
        liveText={turn.liveText}
        liveContinues={turn.liveContinues}
        maxLiveRows={liveRows}
        columns={columns}
      />
      {groupLayout.visible.length > 0 ? (
        <Box marginTop={1} flexDirection="column">
          <ToolCallGroup
            layout={groupLayout}
            focusedId={focusedId}
            cancelling={focus.cancelling}
            now={now}
            {...(openCall && { open: { id: openCall.id, draft: draftOf(questions.drafts, openCall), rows: questions.openRows } })}
          />
        </Box>
      ) : null}
      {signIn.active ? (
        <Box marginTop={1} flexDirection="column">
          <LoginPanel prompt={signIn.prompt} remainingMs={remainingMs} browser={signIn.browser} now={now} hint={hint} />
        </Box>
      ) : null}
      {approval.request ? (
        <Box marginTop={1} flexDirection="column">
          <ApprovalPanel request={approval.request} answering={approval.answering} />
        </Box>
      ) : null}
      {resume.active ? (
        <Box marginTop={1} flexDirection="column">
          <ConversationPicker conversations={resume.conversations} selected={resume.selected} now={statusNow} visible={PICKER_ENTRIES} />
        </Box>
      ) : null}
      <Box marginTop={1} flexDirection="column">
        {turn.running ? (
          <TurnIndicator now={now} runningCalls={calls.running.length} />
        ) : signIn.active || approval.active || resume.active ? null : (
          <InputBox value={editor.value} cursor={editor.cursor} width={columns} />
        )}
        <StatusBar
          status={status}
          now={statusNow}
          mode={mode}
          canOpenBrowser={openBrowser !== undefined && signIn.prompt !== undefined}
          exitArmed={interrupt.armed}
          {...(openCall && { question: openCall.question.kind })}
        />
      </Box>
    </Box>
  );
}

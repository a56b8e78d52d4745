import { Box, Text, useApp, useStdout } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { DeviceCodePrompt } from '../../auth/login/types.js';
import { safeLine } from '../../config/terminal-text.js';
import { completionProviders } from './completion/index.js';
import { useCompletion } from './completion/useCompletion.js';
import type { ResumeChoice } from '../core/engine-types.js';
import { ApprovalPanel, approvalPanelRows } from './components/ApprovalPanel.js';
import { CompletionList, completionRows } from './components/CompletionList.js';
import { ConversationPicker, conversationPickerRows } from './components/ConversationPicker.js';
import { InputBox, inputBoxRows } from './components/InputBox.js';
import { LoginPanel, loginPanelRows } from './components/LoginPanel.js';
import { QuestionLine } from './components/QuestionLine.js';
import { StatusBar } from './components/StatusBar.js';
import { STATUS_BAR_ROWS, type KeyMode } from './components/statusItems.js';
import { ToolCallGroup } from './components/ToolCallGroup.js';
import { Transcript } from './components/Transcript.js';
import { TurnIndicator } from './components/TurnIndicator.js';
import { useEngine } from './contexts/EngineContext.js';
import { useTheme } from './contexts/ThemeContext.js';
import { draftOf, useCallQuestions, useQuestionKeys } from './hooks/useCallQuestions.js';
import { useCountdown } from './hooks/useCountdown.js';
import { useFocusedCall } from './hooks/useFocusedCall.js';
import { useInputHistory } from './hooks/useInputHistory.js';
import { useInterrupt } from './hooks/useInterrupt.js';
import { type LineEditor, useLineEditor } from './hooks/useLineEditor.js';
import { useNow } from './hooks/useNow.js';
import { CLEAR_SCREEN, useRedrawOnResize } from './hooks/useRedrawOnResize.js';
import { useResume } from './hooks/useResume.js';
import { useServerApproval } from './hooks/useServerApproval.js';
import { useSessionStatus } from './hooks/useSessionStatus.js';
import { useSignIn, type BrowserOpener } from './hooks/useSignIn.js';
import { isSlashCommand, useSlashCommands } from './hooks/useSlashCommands.js';
import { useTerminalSize } from './hooks/useTerminalSize.js';
import { useToolCalls } from './hooks/useToolCalls.js';
import { useNotices } from './hooks/useNotices.js';
import { useTranscript } from './hooks/useTranscript.js';
import { useTurn } from './hooks/useTurn.js';
import { layoutLiveRegion } from './layout.js';
import { slashCommands } from './slash-commands/index.js';
import type { SlashCommandContext } from './slash-commands/types.js';

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

/** Columns a call's pane gutter takes before its open question. */
const GUTTER = 2;

/**
 * The chat screen: wires hooks (state and keys) to components (rendering only). Who gets a key is
 * decided in one place (keyboard/owners.ts); each hook says only whether its owner is active.
 */
export function App({ demo = false, openBrowser, onExit, signInHint, resume: initialResume }: AppProps) {
  const engine = useEngine();
  const theme = useTheme();
  const { exit } = useApp();
  const { stdout, write } = useStdout();
  const { columns, rows } = useTerminalSize();
  const redraws = useRedrawOnResize(columns);
  const status = useSessionStatus(engine);
  const transcript = useTranscript([{ kind: 'welcome', demo }]);
  const calls = useToolCalls(engine.registry, transcript.addCalls);
  useNotices(engine.notices, transcript.add);
  const history = useInputHistory();
  // Leaving: the live region is drawn empty once, so no input box or hint stays in the scrollback.
  const [leaving, setLeaving] = useState(false);
  const quit = useCallback(() => setLeaving(true), []);
  useEffect(() => {
    if (!leaving) return;
    onExit?.();
    exit();
  }, [leaving, onExit, exit]);

  // The editor needs the turn (Enter sends) and the turn the editor (queued prompts come back to it).
  const editorRef = useRef<LineEditor | undefined>(undefined);
  const giveBack = useCallback((text: string) => {
    const editor = editorRef.current;
    if (!editor) return;
    const typed = editor.current().value;
    const value = typed.trim() === '' ? text : `${text}\n${typed}`;
    editor.set({ value, cursor: Array.from(value).length });
  }, []);
  const turn = useTurn({ engine, add: transcript.add, flushCalls: calls.flush, giveBack });
  const signIn = useSignIn({ engine, status, add: transcript.add, openBrowser });
  const approval = useServerApproval({ engine, status, add: transcript.add });
  const remainingMs = useCountdown(signIn.prompt?.expiresAt);
  const statusNow = useNow(15_000);
  // Calls tick on their own frames; this clock only runs the spinner when no call does.
  const spinnerNow = useNow(100, (turn.running || signIn.active) && calls.running.length === 0);
  const now = calls.running.length > 0 ? calls.now : spinnerNow;
  const questions = useCallQuestions({ calls: calls.running, columns: columns - GUTTER });
  const focus = useFocusedCall({ running: calls.running, cancel: (id) => engine.registry.cancel(id) });
  const openCall = questions.focused;
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
    enabled: !turn.running,
  });

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

  const modal = signIn.active || approval.active || resume.active;
  // The demo's command to approve a code without a browser: printed once per code, above the panel, as one line to copy.
  const copyHint = signIn.prompt && signInHint ? signInHint(signIn.prompt) : undefined;
  useEffect(() => {
    if (copyHint === undefined) return;
    const [label = '', ...command] = copyHint.split('\n');
    addEntry({ kind: 'copy', label, text: command.join(' ') });
  }, [copyHint, addEntry]);
  const editor = useLineEditor({
    enabled: !modal && !leaving,
    history,
    // Slash commands run at once, also during a turn; a prompt typed during a turn waits for it.
    onSubmit: (text) => (isSlashCommand(text) ? runCommand(text) : turn.submit(text)),
  });
  editorRef.current = editor;
  const providers = useMemo(() => completionProviders({ commands: slashCommands, context: () => ({ engine, status: engine.getStatus() }) }), [engine]);
  const completion = useCompletion({ line: editor, providers, editor, active: !modal && !leaving });
  const interrupt = useInterrupt(() => {
    if (!turn.cancel() && !signIn.cancel()) editor.clear();
  }, quit);

  const asking = openCall !== undefined;
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
  const commandAbove = copyHint !== undefined;
  const margin = 1;
  const panelRows =
    (signIn.active ? margin + loginPanelRows({ prompt: signIn.prompt, remainingMs, browser: signIn.browser, commandAbove }, columns) : 0) +
    (approval.request ? margin + approvalPanelRows({ request: approval.request, answering: approval.answering }, columns) : 0) +
    (resume.active ? margin + conversationPickerRows({ conversations: resume.conversations, visible: PICKER_ENTRIES }) : 0);
  // While a turn runs the input shows once something is typed (or queued): text typed then is kept.
  const showInput = !modal && (!turn.running || editor.value !== '' || turn.queued.length > 0);
  const bottomRows =
    margin + (turn.running ? 1 : 0) + (turn.queued.length > 0 ? 1 : 0) + (showInput ? inputBoxRows(editor.value) + completionRows(completion) : 0) + STATUS_BAR_ROWS;
  const {
    group: groupLayout,
    liveRows,
    question: questionShown,
  } = layoutLiveRegion({
    rows,
    bottomRows,
    panelRows,
    questionRows: questions.openRows,
    streaming: turn.liveText !== '',
    running: calls.running,
    focusedId,
  });
  // A key answers only a question on screen (the layout may leave no room for it).
  const { ready } = useQuestionKeys(questions, engine, modal ? 'hidden' : questionShown);

  if (leaving) {
    return (
      <Box flexDirection="column" width={columns}>
        <Transcript items={transcript.items} generation={`${transcript.epoch}:${redraws}`} liveText="" liveContinues={false} maxLiveRows={0} columns={columns} />
      </Box>
    );
  }

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
            {...(openCall &&
              questionShown === 'panel' && {
                open: { id: openCall.id, draft: draftOf(questions.drafts, openCall), rows: questions.openRows, ready, columns: columns - GUTTER },
              })}
          />
        </Box>
      ) : null}
      {openCall && questionShown === 'line' ? (
        <Box marginTop={1} width={columns}>
          <QuestionLine call={openCall} question={openCall.question} ready={ready} columns={columns} />
        </Box>
      ) : null}
      {signIn.active ? (
        <Box marginTop={1} flexDirection="column">
          <LoginPanel prompt={signIn.prompt} remainingMs={remainingMs} browser={signIn.browser} now={now} commandAbove={commandAbove} />
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
      <Box marginTop={1} flexDirection="column" width={columns}>
        {turn.running ? <TurnIndicator now={now} runningCalls={calls.running.length} /> : null}
        {turn.queued.length > 0 ? (
          <Text wrap="truncate-end" color={theme.accent}>
            {`queued for when this turn ends: ${safeLine(turn.queued.join(' · '), columns * 2)}`}
          </Text>
        ) : null}
        {showInput ? (
          <>
            <InputBox value={editor.value} cursor={editor.cursor} width={columns} {...(turn.running && { placeholder: 'Type to queue a message' })} />
            {completion ? <CompletionList items={completion.items} selected={completion.selected} width={columns} /> : null}
          </>
        ) : null}
        <StatusBar
          status={status}
          now={statusNow}
          mode={mode}
          canOpenBrowser={openBrowser !== undefined && signIn.prompt !== undefined}
          exitArmed={interrupt.armed}
          columns={columns}
          {...(openCall && { question: openCall.question.kind })}
        />
      </Box>
    </Box>
  );
}

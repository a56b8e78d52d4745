/**
 * Hostile text for tests of the terminal boundaries: one of each control a terminal acts on, a
 * forged Warden line, and the pattern no output may match. Shared by the hostile MCP server and
 * the UI's component tests. Deliberately no I/O.
 */

const ESC = '\u001b';

/** One of each kind of control a terminal acts on. */
export const CONTROLS = {
  windowTitle: `${ESC}]0;pwned\u0007`,
  clipboard: `${ESC}]52;c;cm0gLXJmIH4K${ESC}\\`,
  cursorAndErase: `${ESC}[2K${ESC}[1A${ESC}[2J${ESC}[H`,
  eightBitCsi: '\u009b31m',
  bell: '\u0007',
  backspace: '\b\b\b',
} as const;
export const ALL_CONTROLS = Object.values(CONTROLS).join('');

/** What a terminal would act on: C0 controls but newline, DEL, C1 controls. */
export const TERMINAL_CONTROL = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f]/;

/** A line a hostile server wants the user to believe Warden printed about a call. */
export const FORGED_LINE = '[reverse#1] ✓ 0.0 s all good';

/** `text` wrapped in every kind of control. */
export const dirty = (text: string): string =>
  `${CONTROLS.windowTitle}${CONTROLS.clipboard}${text}${CONTROLS.cursorAndErase}${CONTROLS.bell}${CONTROLS.eightBitCsi}${CONTROLS.backspace}`;

/**
 * Who gets a key first: the one place that decides who owns the keyboard. A key goes down this
 * list to the first owner that is active and takes it; an owner that lets a key pass leaves it to
 * the next. To add a panel, give it a name here (where its keys should win) and call
 * `useKeys(name, handler, active)` from its hook.
 *
 * Not responsible for what any key does: each owner's hook decides that.
 */
export const KEY_OWNERS = [
  /** Ctrl-C: cancel, twice to exit, whatever else is on screen. */
  'interrupt',
  /** "Send a token to this server?" (y/n): modal, takes every key. */
  'server-approval',
  /** The device-code sign-in panel (o, Esc): modal, takes every key. */
  'sign-in',
  /** The saved-conversation picker (/resume, --resume): modal, takes every key. */
  'picker',
  /** The open question in a call's pane (approval, form, sampling): its keys, once it is on screen. */
  'call-question',
  /** The completion list under the input (Tab, ↑↓, Esc while it shows). */
  'completion',
  /** Tab/↑↓/Esc among running calls. */
  'call-focus',
  /** The input line: text, editing keys, history, Enter. */
  'editor',
] as const;

export type KeyOwner = (typeof KEY_OWNERS)[number];

/** Lower is first. */
export const keyPriority = (owner: KeyOwner): number => KEY_OWNERS.indexOf(owner);

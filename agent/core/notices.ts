/**
 * Lines for the user from deep inside the agent (the token store's fallback, an audit log or a
 * conversation file that could not be written): one channel, so each front end shows them where
 * they belong — print mode on stderr, the chat as a notice in its transcript (a line written to
 * stderr under Ink would land in the middle of the screen and be drawn over).
 *
 * Lines emitted while nobody listens are kept, in order, for the next listener; a front end that
 * stops listening (the chat unmounting) leaves later lines for whoever listens next.
 * Not responsible for making the text terminal-safe (where it is drawn does that).
 */
export class Notices {
  private readonly pending: string[] = [];
  private listener: ((line: string) => void) | undefined;

  emit(line: string): void {
    if (this.listener) this.listener(line);
    else this.pending.push(line);
  }

  /** Sends the kept lines, then each new one, to `listener` until the returned function is called. */
  listen(listener: (line: string) => void): () => void {
    this.listener = listener;
    for (const line of this.pending.splice(0)) listener(line);
    return () => {
      if (this.listener === listener) this.listener = undefined;
    };
  }
}

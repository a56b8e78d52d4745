import type { SessionStatus } from './engine-types.js';

/** The engine's SessionStatus: replaced (never mutated) on change, listeners told only about real changes. */
export class StatusStore {
  private listeners = new Set<() => void>();

  constructor(private status: SessionStatus) {}

  get(): SessionStatus {
    return this.status;
  }

  /** The new status; listeners hear of it only when something in it changed. */
  replace(next: SessionStatus): void {
    this.patch(next);
  }

  subscribe(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private patch(patch: Partial<SessionStatus>): void {
    const next = { ...this.status, ...patch };
    if (JSON.stringify(next) === JSON.stringify(this.status)) return;
    this.status = next;
    for (const listener of [...this.listeners]) listener();
  }
}

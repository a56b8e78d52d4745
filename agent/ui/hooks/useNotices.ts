import { useEffect } from 'react';
import type { Notices } from '../../core/notices.js';
import type { TranscriptEntry } from '../transcript.js';

/**
 * While the chat is on screen, the engine's lines for the user (core/notices.ts) become notices in
 * the transcript, those kept from before it started first. Not responsible for drawing them.
 */
export function useNotices(notices: Notices, add: (...entries: TranscriptEntry[]) => void): void {
  useEffect(() => notices.listen((text) => add({ kind: 'notice', text })), [notices, add]);
}

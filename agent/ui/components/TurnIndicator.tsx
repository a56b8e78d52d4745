import { Text } from 'ink';
import { Spinner } from './Spinner.js';

/** Stands in for the input line while the model works (typing is off until the turn ends). */
export function TurnIndicator({ now, runningCalls }: { now: number; runningCalls: number }) {
  return (
    <Text wrap="truncate-end">
      <Spinner now={now} /> {runningCalls > 0 ? 'Waiting for tools…' : 'Thinking…'}
    </Text>
  );
}

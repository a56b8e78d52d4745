import { createContext, useContext } from 'react';
import type { AgentEngine } from '../../core/engine-types.js';

const EngineContext = createContext<AgentEngine | undefined>(undefined);

export const EngineProvider = EngineContext.Provider;

/** The engine the TUI drives; the UI reaches MCP and sign-in only through it. */
export function useEngine(): AgentEngine {
  const engine = useContext(EngineContext);
  if (!engine) throw new Error('useEngine needs an <EngineProvider>');
  return engine;
}

export type NwsErrorKind =
  /** 404: NWS has no data here (outside the US, over open water). */
  | 'not-found'
  /** 400: NWS rejected the parameters. */
  | 'bad-request'
  /** 5xx, still failing after the retry. */
  | 'unavailable'
  | 'timeout'
  /** Connection refused/reset, DNS, TLS. */
  | 'network'
  /** Not JSON, or not the shape NWS documents. */
  | 'malformed'
  /** A redirect off the NWS origin, or too many of them. */
  | 'redirect'
  /** Any other non-2xx status. */
  | 'http'
  /** The caller aborted (the MCP request was cancelled). */
  | 'cancelled';

/** A failed NWS call; `message` is written for the person reading the tool result. */
export class NwsError extends Error {
  override readonly name = 'NwsError';
  constructor(
    readonly kind: NwsErrorKind,
    message: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Problems with the caller's request are routine; NWS or network trouble is worth a warning. */
export function nwsLogLevel(error: NwsError): 'info' | 'warn' {
  return error.kind === 'not-found' || error.kind === 'bad-request' || error.kind === 'cancelled' ? 'info' : 'warn';
}

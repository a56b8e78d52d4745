/**
 * Colours by role. With NO_COLOR every colour is undefined, so Ink emits no colour codes;
 * bold, dim and inverse stay because they are not colours (https://no-color.org).
 */
export interface Theme {
  accent: string | undefined;
  user: string | undefined;
  success: string | undefined;
  error: string | undefined;
  warning: string | undefined;
  code: string | undefined;
  border: string | undefined;
}

export const colourTheme: Theme = {
  accent: 'cyan',
  user: 'magenta',
  success: 'green',
  error: 'red',
  warning: 'yellow',
  code: 'cyan',
  border: 'gray',
};

export const monochromeTheme: Theme = {
  accent: undefined,
  user: undefined,
  success: undefined,
  error: undefined,
  warning: undefined,
  code: undefined,
  border: undefined,
};

/** NO_COLOR counts when present and not empty. */
export function themeFor(env: Record<string, string | undefined>): Theme {
  return env['NO_COLOR'] ? monochromeTheme : colourTheme;
}

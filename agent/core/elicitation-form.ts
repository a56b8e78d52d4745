/**
 * A server's elicitation form (`requestedSchema`) as fields a front end can ask for, and the
 * check an answer passes before it is sent back.
 *
 * Responsible for: reading the flat schema MCP allows (string with format/length, number,
 * integer with bounds, boolean, single-choice enum in its three spellings, multi-choice enum),
 * required marks, defaults; turning typed-in text into the right JSON type; one message per bad field.
 * Not responsible for: rendering or sending (front ends and the engine do), nor terminal safety
 * of titles and descriptions (they are outside text: sanitise where shown).
 */

export interface FormChoice {
  value: string;
  label: string;
}

export interface FormField {
  name: string;
  /** The schema's title, else the property name. */
  label: string;
  description?: string;
  kind: 'string' | 'number' | 'integer' | 'boolean' | 'choice' | 'choices';
  required: boolean;
  default?: unknown;
  /** For `choice` and `choices`. */
  choices?: FormChoice[];
  format?: string;
  min?: number;
  max?: number;
}

type Schema = Record<string, unknown>;

const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

function choicesOf(schema: Schema): FormChoice[] | undefined {
  if (Array.isArray(schema.enum)) {
    const names = Array.isArray(schema.enumNames) ? schema.enumNames : [];
    return schema.enum.map((v, i) => ({ value: String(v), label: str(names[i]) ?? String(v) }));
  }
  const options = Array.isArray(schema.oneOf) ? schema.oneOf : Array.isArray(schema.anyOf) ? schema.anyOf : undefined;
  if (!options) return undefined;
  return options.flatMap((o) => {
    const value = (o as Schema | null)?.const;
    return value === undefined ? [] : [{ value: String(value), label: str((o as Schema).title) ?? String(value) }];
  });
}

/** The fields of a requested schema, in the server's order. Unknown property types are kept as strings. */
export function formFields(requestedSchema: { properties?: Record<string, unknown>; required?: unknown }): FormField[] {
  const required = new Set(Array.isArray(requestedSchema.required) ? requestedSchema.required.filter((r): r is string => typeof r === 'string') : []);
  return Object.entries(requestedSchema.properties ?? {}).map(([name, raw]) => {
    const schema = (raw ?? {}) as Schema;
    const base = {
      name,
      label: str(schema.title) ?? name,
      ...(str(schema.description) !== undefined && { description: str(schema.description) }),
      required: required.has(name),
      ...(schema.default !== undefined && { default: schema.default }),
    };
    if (schema.type === 'array') {
      const choices = choicesOf((schema.items ?? {}) as Schema) ?? [];
      return {
        ...base,
        kind: 'choices' as const,
        choices,
        ...(num(schema.minItems) !== undefined && { min: num(schema.minItems) }),
        ...(num(schema.maxItems) !== undefined && { max: num(schema.maxItems) }),
      };
    }
    const choices = choicesOf(schema);
    if (choices) return { ...base, kind: 'choice' as const, choices };
    if (schema.type === 'boolean') return { ...base, kind: 'boolean' as const };
    if (schema.type === 'number' || schema.type === 'integer') {
      return {
        ...base,
        kind: schema.type,
        ...(num(schema.minimum) !== undefined && { min: num(schema.minimum) }),
        ...(num(schema.maximum) !== undefined && { max: num(schema.maximum) }),
      };
    }
    return {
      ...base,
      kind: 'string' as const,
      ...(str(schema.format) !== undefined && { format: str(schema.format) }),
      ...(num(schema.minLength) !== undefined && { min: num(schema.minLength) }),
      ...(num(schema.maxLength) !== undefined && { max: num(schema.maxLength) }),
    };
  });
}

/** Typed-in text as the field's JSON value (undefined for an empty answer); a string that does not parse stays a string, and `checkAnswers` says why. */
export function parseAnswer(field: FormField, text: string): unknown {
  const t = text.trim();
  if (t === '') return undefined;
  switch (field.kind) {
    case 'number':
    case 'integer':
      return Number.isFinite(Number(t)) ? Number(t) : t;
    case 'boolean':
      return /^(y|yes|true|1)$/i.test(t) ? true : /^(n|no|false|0)$/i.test(t) ? false : t;
    case 'choices':
      return t
        .split(',')
        .map((s) => s.trim())
        .filter((s) => s !== '');
    default:
      return t;
  }
}

const FORMATS: Record<string, { test: (v: string) => boolean; what: string }> = {
  email: { test: (v) => /^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(v), what: 'an email address' },
  uri: { test: (v) => URL.canParse(v), what: 'a URI' },
  date: { test: (v) => /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v)), what: 'a date (YYYY-MM-DD)' },
  'date-time': { test: (v) => !Number.isNaN(Date.parse(v)), what: 'a date and time' },
};

function checkOne(field: FormField, value: unknown): string | undefined {
  switch (field.kind) {
    case 'boolean':
      return typeof value === 'boolean' ? undefined : 'expected yes or no';
    case 'number':
    case 'integer': {
      if (typeof value !== 'number' || !Number.isFinite(value)) return 'expected a number';
      if (field.kind === 'integer' && !Number.isInteger(value)) return 'expected a whole number';
      if (field.min !== undefined && value < field.min) return `expected at least ${field.min}`;
      if (field.max !== undefined && value > field.max) return `expected at most ${field.max}`;
      return undefined;
    }
    case 'choice':
      return typeof value === 'string' && field.choices?.some((c) => c.value === value) ? undefined : `expected one of ${field.choices?.map((c) => c.value).join(', ')}`;
    case 'choices': {
      if (!Array.isArray(value) || !value.every((v) => typeof v === 'string' && field.choices?.some((c) => c.value === v))) {
        return `expected some of ${field.choices?.map((c) => c.value).join(', ')}`;
      }
      if (field.min !== undefined && value.length < field.min) return `expected at least ${field.min} choices`;
      if (field.max !== undefined && value.length > field.max) return `expected at most ${field.max} choices`;
      return undefined;
    }
    case 'string': {
      if (typeof value !== 'string') return 'expected text';
      if (field.min !== undefined && value.length < field.min) return `expected at least ${field.min} characters`;
      if (field.max !== undefined && value.length > field.max) return `expected at most ${field.max} characters`;
      const format = field.format ? FORMATS[field.format] : undefined;
      return format && !format.test(value) ? `expected ${format.what}` : undefined;
    }
  }
}

/**
 * `answers` with each field it leaves out filled from the form's own default, as a form shown to
 * the user starts from them; a default that does not pass the field's check is left out.
 */
export function withDefaults(fields: readonly FormField[], answers: Record<string, unknown>): Record<string, unknown> {
  const filled = { ...answers };
  for (const field of fields) {
    if (filled[field.name] !== undefined || field.default === undefined) continue;
    if (checkOne(field, field.default) === undefined) filled[field.name] = field.default;
  }
  return filled;
}

/** One problem per field (`label: why`); empty when the answers may be sent. Absent optional fields are fine. */
export function checkAnswers(fields: readonly FormField[], answers: Record<string, unknown>): string[] {
  const problems: string[] = [];
  for (const field of fields) {
    const value = answers[field.name];
    if (value === undefined || value === '') {
      if (field.required) problems.push(`${field.label}: required`);
      continue;
    }
    const why = checkOne(field, value);
    if (why) problems.push(`${field.label}: ${why}`);
  }
  for (const name of Object.keys(answers)) {
    if (!fields.some((f) => f.name === name)) problems.push(`${name}: not asked for`);
  }
  return problems;
}

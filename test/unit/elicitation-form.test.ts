import { describe, expect, it } from 'vitest';
import { checkAnswers, formFields, parseAnswer, withDefaults } from '../../agent/core/elicitation-form.js';

const schema = {
  type: 'object',
  properties: {
    name: { type: 'string', title: 'Name', minLength: 2 },
    email: { type: 'string', format: 'email' },
    age: { type: 'integer', minimum: 1, maximum: 120 },
    agree: { type: 'boolean', title: 'Agree' },
    colour: { type: 'string', enum: ['red', 'teal'], enumNames: ['Red', 'Teal'] },
    hero: {
      type: 'string',
      oneOf: [
        { const: 'h1', title: 'Superman' },
        { const: 'h2', title: 'Batman' },
      ],
    },
    tools: { type: 'array', minItems: 1, maxItems: 2, items: { enum: ['saw', 'drill', 'axe'] } },
  },
  required: ['name', 'agree'],
};

describe('elicitation form', () => {
  const fields = formFields(schema);

  it('reads every field kind the protocol allows, with required marks and choices', () => {
    expect(fields.map((f) => [f.name, f.kind, f.required])).toEqual([
      ['name', 'string', true],
      ['email', 'string', false],
      ['age', 'integer', false],
      ['agree', 'boolean', true],
      ['colour', 'choice', false],
      ['hero', 'choice', false],
      ['tools', 'choices', false],
    ]);
    expect(fields.find((f) => f.name === 'hero')?.choices).toEqual([
      { value: 'h1', label: 'Superman' },
      { value: 'h2', label: 'Batman' },
    ]);
    expect(fields.find((f) => f.name === 'colour')?.choices?.[1]).toEqual({ value: 'teal', label: 'Teal' });
  });

  it('turns typed text into the JSON type of the field', () => {
    const by = (n: string) => fields.find((f) => f.name === n)!;
    expect(parseAnswer(by('age'), ' 42 ')).toBe(42);
    expect(parseAnswer(by('agree'), 'y')).toBe(true);
    expect(parseAnswer(by('agree'), 'no')).toBe(false);
    expect(parseAnswer(by('tools'), 'saw, drill')).toEqual(['saw', 'drill']);
    expect(parseAnswer(by('name'), '   ')).toBeUndefined();
  });

  it('accepts a good answer and names each bad field with its reason', () => {
    expect(checkAnswers(fields, { name: 'Ada', agree: true, age: 36, email: 'ada@example.org', colour: 'teal', hero: 'h2', tools: ['axe'] })).toEqual([]);
    expect(checkAnswers(fields, { name: 'A', age: 1.5, email: 'nope', colour: 'blue', tools: ['saw', 'drill', 'axe'], extra: 1 })).toEqual([
      'Name: expected at least 2 characters',
      'email: expected an email address',
      'age: expected a whole number',
      'Agree: required',
      'colour: expected one of red, teal',
      'tools: expected at most 2 choices',
      'extra: not asked for',
    ]);
    expect(checkAnswers(fields, { name: 'Ada', agree: true, age: 500 })).toEqual(['age: expected at most 120']);
  });

  it("fills the fields an answer leaves out from the form's defaults, never over an answer, never with a default that fails its check", () => {
    const form = formFields({
      properties: {
        city: { type: 'string', default: 'Oslo' },
        count: { type: 'integer', default: 3 },
        size: { type: 'integer', maximum: 10, default: 99 },
        free: { type: 'string' },
      },
    });
    expect(withDefaults(form, { count: 7 })).toEqual({ city: 'Oslo', count: 7 });
  });
});

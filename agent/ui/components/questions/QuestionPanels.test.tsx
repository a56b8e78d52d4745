import { Box } from 'ink';
import { cleanup, render } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { formFields } from '../../../core/elicitation-form.js';
import type { CallQuestion } from '../../../core/tool-calls/questions.js';
import { ToolCallRegistry } from '../../../core/tool-calls/registry.js';
import { questionUis } from '../../questions/index.js';
import { NOT_READY } from '../../questions/legend.js';
import type { QuestionUi } from '../../questions/types.js';
import { withProviders } from '../../testing/render.js';
import { QuestionSlot } from '../QuestionSlot.js';
import { dirty, TERMINAL_CONTROL } from '../../../../test/helpers/hostile-text.js';

afterEach(() => cleanup());

const registry = new ToolCallRegistry();
const call = registry.start('write_file', { path: '/tmp/x', content: 'hello' }, { server: 'files' }).record;

const questions: Record<string, CallQuestion> = {
  approval: { kind: 'approval', annotations: { destructiveHint: true }, readOnly: false },
  'approval, read-only': { kind: 'approval', annotations: { readOnlyHint: true }, readOnly: true },
  form: {
    kind: 'elicitation',
    server: dirty('travel'),
    message: dirty('Who travels?'),
    mode: 'form',
    fields: formFields({
      properties: {
        name: { type: 'string', title: 'Name', description: 'As in the passport' },
        hero: { type: 'string', enum: ['h1', 'h2'], enumNames: ['Superman', 'Wonder Woman'] },
        extras: { type: 'array', items: { enum: ['a', 'b'] } },
      },
      required: ['name'],
    }),
  },
  url: { kind: 'elicitation', server: 'docs', message: 'Sign here', mode: 'url', url: 'https://forms.example.com/x' },
  sampling: { kind: 'sampling', server: 'notes', prompt: 'user: one\nuser: two\nuser: three\nuser: four\nuser: five', maxTokens: 50, systemPrompt: 'Be brief.' },
};

const uiOf = (question: CallQuestion) => questionUis[question.kind] as QuestionUi<CallQuestion['kind'], unknown>;

function draw(question: CallQuestion, columns: number, ready = true): string {
  const draft = uiOf(question).initialDraft(question as never);
  return (
    render(
      withProviders(
        <Box width={columns}>
          <QuestionSlot call={call} question={question} draft={draft} ready={ready} columns={columns} />
        </Box>,
      ),
    ).lastFrame() ?? ''
  );
}

describe('QuestionSlot and the question panels', () => {
  it('draws the panel of the question’s kind', () => {
    expect(draw(questions.approval!, 100)).toContain('annotations: destructive');
    expect(draw(questions.form!, 100)).toContain('server "travel" asks: Who travels?');
    expect(draw(questions.url!, 100)).toContain('open: https://forms.example.com/x');
    expect(draw(questions.sampling!, 100)).toContain('server "notes" asks to use the model (up to 50 tokens):');
  });

  for (const columns of [40, 80, 120]) {
    it(`each kind takes the rows it reports, at ${columns} columns, and no row is wider`, () => {
      for (const [name, question] of Object.entries(questions)) {
        for (const ready of [true, false]) {
          const frame = draw(question, columns, ready);
          const draft = uiOf(question).initialDraft(question as never);
          expect(frame.split('\n').length, `${name}${ready ? '' : ' (not ready)'}`).toBe(uiOf(question).rows(call, question as never, draft, columns));
          expect(Math.max(...frame.split('\n').map((row) => [...row].length)), name).toBeLessThanOrEqual(columns);
        }
      }
    });
  }

  it('until it is ready, a panel shows no keys but says where typing goes', () => {
    for (const question of Object.values(questions)) {
      const frame = draw(question, 120, false);
      expect(frame).toContain(NOT_READY);
      expect(frame).not.toMatch(/y allow once|Enter send|y allow this request|Enter done/);
    }
  });

  it('a form shows choice titles, the focused field’s description and picks as boxes; no control of the server’s', () => {
    const frame = draw(questions.form!, 120);
    expect(frame).toContain('› Name*:');
    expect(frame).toContain('    As in the passport');
    expect(frame).toContain('hero: (none chosen)  2 choices');
    expect(frame).toContain('extras: [ ] a  [ ] b');
    expect(frame).not.toMatch(TERMINAL_CONTROL);
  });

  it('a long sampling prompt shows its first lines and a count of the rest', () => {
    expect(draw(questions.sampling!, 120)).toContain('  user: four … (1 more lines)');
  });
});

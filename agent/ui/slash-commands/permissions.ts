import { errorMessage } from '../../../config/error-text.js';
import { safeLine } from '../../../config/terminal-text.js';
import { describeSavedRule } from '../../core/permissions/policy.js';
import type { SlashCommand } from './types.js';

/** `/permissions`: the saved rules (numbered) and the configuration's patterns; `/permissions remove N` forgets saved rule N. */
export const permissions: SlashCommand = {
  name: 'permissions',
  description: 'the rules that let tools run without asking; /permissions remove N',
  async run(ctx, args) {
    const [sub, number, ...rest] = args.trim().split(/\s+/).filter(Boolean);
    const rules = ctx.engine.permissionRules();
    if (sub === undefined) {
      const saved = rules.saved.map((rule, i) => ({ kind: 'info' as const, text: `  ${i + 1}. ${safeLine(describeSavedRule(rule), 200)}` }));
      const files = [
        ...rules.deny.map((r) => `  deny  ${safeLine(r.pattern, 120)}  (${safeLine(r.file, 200)})`),
        ...rules.allow.map((r) => `  allow ${safeLine(r.pattern, 120)}  (${safeLine(r.file, 200)})`),
      ].map((text) => ({ kind: 'info' as const, text }));
      ctx.add(
        saved.length > 0
          ? { kind: 'info', text: 'Saved rules (remove one with /permissions remove N):' }
          : { kind: 'info', text: 'No saved rules: answer a (always allow this tool) or s (its server’s read-only tools) when asked to save one.' },
        ...saved,
        ...(files.length > 0 ? [{ kind: 'info' as const, text: 'From configuration files (edit the file to change):' }, ...files] : []),
      );
      return;
    }
    const index = Number(number) - 1;
    const rule = Number.isInteger(index) ? rules.saved[index] : undefined;
    if (sub !== 'remove' || rest.length > 0 || number === undefined) {
      ctx.add({ kind: 'error', text: 'Usage: /permissions, or /permissions remove N' });
      return;
    }
    if (!rule) {
      ctx.add({ kind: 'error', text: `There is no saved rule ${safeLine(number, 20)} (see /permissions).` });
      return;
    }
    try {
      await ctx.engine.forgetRule(rule);
      ctx.add({ kind: 'info', text: `Removed: ${safeLine(describeSavedRule(rule), 200)}. That tool asks again.` });
    } catch (error) {
      ctx.add({ kind: 'error', text: `Could not remove the rule: ${safeLine(errorMessage(error))}` });
    }
  },
  complete(given, { engine }) {
    if (given.length === 0) return [{ value: 'remove ', label: 'remove', description: 'forget a saved rule (the tool asks again)' }];
    if (given[0] !== 'remove' || given.length > 1) return [];
    return engine.permissionRules().saved.map((rule, i) => ({ value: `${i + 1} `, label: String(i + 1), description: describeSavedRule(rule) }));
  },
};

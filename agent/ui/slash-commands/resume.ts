import type { SlashCommand } from './types.js';

/** `/resume` opens the picker of this directory's saved conversations; `/resume ID` goes on with that one. */
export const resume: SlashCommand = {
  name: 'resume',
  description: 'go on with a saved conversation; /resume ID',
  run(ctx, args) {
    const id = args.trim();
    ctx.resumeConversation(id === '' ? undefined : id);
  },
};

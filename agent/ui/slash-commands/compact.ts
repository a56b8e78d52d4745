import type { SlashCommand } from './types.js';

/** `/compact [instructions]`: the conversation summarized now, to free the context (the API's compaction where offered). */
export const compact: SlashCommand = {
  name: 'compact',
  description: 'summarize the conversation to free context; /compact WHAT TO KEEP',
  async run(ctx, args) {
    const instructions = args.trim();
    ctx.add({ kind: 'info', text: 'Compacting the conversation…' });
    const compaction = await ctx.engine.compact(instructions === '' ? undefined : instructions);
    ctx.add({ kind: 'compaction', compaction });
  },
};

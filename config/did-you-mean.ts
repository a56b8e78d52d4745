/**
 * "Did you mean …?" for every name a user types (slash commands, server names, subcommands,
 * flags): the closest candidate by edit distance, or the only one the typed text starts.
 *
 * Not responsible for the message around it beyond the suggestion itself, nor for sanitising:
 * callers pass names they already print.
 */

/** Edit distance (insertions, deletions, substitutions; a swap of neighbours counts once). */
export function editDistance(a: string, b: string): number {
  const rows: number[][] = [];
  for (let i = 0; i <= a.length; i++) {
    rows.push([i]);
    for (let j = 1; j <= b.length; j++) {
      if (i === 0) {
        (rows[0] as number[])[j] = j;
        continue;
      }
      const row = rows[i] as number[];
      const above = rows[i - 1] as number[];
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min((above[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, (above[j - 1] ?? 0) + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) best = Math.min(best, ((rows[i - 2] as number[])[j - 2] ?? 0) + 1);
      row[j] = best;
    }
  }
  return (rows[a.length] as number[])[b.length] ?? 0;
}

/** The candidate the user most likely meant by `typed`, if any is close enough. */
export function closestName(typed: string, candidates: Iterable<string>): string | undefined {
  const wanted = typed.toLowerCase();
  const names = [...new Set(candidates)];
  if (wanted === '') return undefined;
  const started = names.filter((name) => name.toLowerCase().startsWith(wanted));
  if (started.length === 1) return started[0];
  // Up to a third of the name may be wrong (at least one, at most three characters).
  const limit = Math.min(3, Math.max(1, Math.floor(wanted.length / 3)));
  let best: { name: string; d: number } | undefined;
  for (const name of names) {
    const d = editDistance(wanted, name.toLowerCase());
    if (d <= limit && (best === undefined || d < best.d)) best = { name, d };
  }
  return best?.name;
}

/** ` — did you mean NAME?` (with `prefix`, e.g. "/" or "--"), or '' when nothing is close. */
export function didYouMean(typed: string, candidates: Iterable<string>, prefix = ''): string {
  const name = closestName(typed, candidates);
  return name === undefined ? '' : ` — did you mean ${prefix}${name}?`;
}

/** Tool-name patterns (`files__read_*`, `weather__*`): `*` matches any run of characters, everything else literally. */
export function globMatch(pattern: string, name: string): boolean {
  const source = pattern
    .split('*')
    .map((part) => part.replace(/[.*+?^${}()|[\]\\]/g, '\\$&'))
    .join('.*');
  return new RegExp(`^${source}$`).test(name);
}

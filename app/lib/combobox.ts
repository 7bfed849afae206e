// What a searchable list shows for what was typed (components/ui/combobox.tsx), kept apart so
// it is tested without a browser.

export type ComboOption = { value: string; label: string };

const collator = new Intl.Collator("en", { sensitivity: "base" });

/** Options sorted by their label, as a person looks for them ("Åland Islands" near "Albania"). */
export function sortByLabel<T extends ComboOption>(options: readonly T[]): T[] {
  return [...options].sort((a, b) => collator.compare(a.label, b.label));
}

/** Lower case without accents: "Côte d’Ivoire" is found by "cote". */
function fold(text: string) {
  return text
    .normalize("NFD")
    .replace(/\p{Diacritic}/gu, "")
    .toLowerCase()
    .trim();
}

/**
 * The options not yet chosen that match `query`, in their given order (by name): names that
 * start with it first, then names with a word that starts with it, then names that contain it;
 * a two-letter code ("JP") finds its option too. An empty query lists every option.
 */
export function filterOptions<T extends ComboOption>(
  options: readonly T[],
  query: string,
  chosen: readonly string[] = [],
): T[] {
  const open = options.filter((o) => !chosen.includes(o.value));
  const q = fold(query);
  if (!q) return open;
  const rank = (o: T) => {
    const label = fold(o.label);
    if (label.startsWith(q)) return 0;
    if (label.split(/[\s\-(),.'’]+/).some((word) => word.startsWith(q))) return 1;
    if (o.value.toLowerCase() === q) return 1;
    if (label.includes(q)) return 2;
    return 3;
  };
  return open
    .map((o, index) => ({ o, index, rank: rank(o) }))
    .filter((m) => m.rank < 3)
    .sort((a, b) => a.rank - b.rank || a.index - b.index)
    .map((m) => m.o);
}

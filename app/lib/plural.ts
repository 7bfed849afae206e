// Counts in words: "1 payout", "2 payouts", by the language's own plural rules (Intl.PluralRules),
// not by checking for 1 in each place.

const rules = new Intl.PluralRules("en-GB");
const numbers = new Intl.NumberFormat("en-GB");

/** "1 artist", "3 artists", "1,204 artists"; `many` defaults to `one` + "s". */
export function plural(count: number, one: string, many = `${one}s`) {
  return `${numbers.format(count)} ${rules.select(count) === "one" ? one : many}`;
}

/**
 * "1 run", "2 runs", "0 runs": a count with its noun agreeing. English plurals that
 * aren't "+s" ("1 class", "3 classes") pass their plural form.
 */
export function plural(count: number, singular: string, pluralForm = `${singular}s`): string {
  return `${count} ${count === 1 ? singular : pluralForm}`;
}

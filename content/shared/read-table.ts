/**
 * Reads numbers the learner's own run put in an experiment's result table, so the
 * lesson can quote them. Experiments mark their cells with data-lane and
 * data-field; a missing cell reads as null and the caller says what to run.
 */

/** A table cell's number as the experiment printed it ("1,234", "0.0215", "2.15e-5"); null when absent or not a number. */
export function cellNumber(cell: Element | null | undefined): number | null {
  const text = cell?.textContent?.replace(/,/g, "").trim();
  if (!text) return null;
  // A cell may add words after its number ("38.2 (over budget)"); the number leads.
  const value = Number(/^-?\d+(?:\.\d+)?(?:e[-+]?\d+)?/i.exec(text)?.[0]);
  return Number.isFinite(value) ? value : null;
}

/** The nearest experiment section of `kind` among `from`'s siblings, looking forwards or backwards. */
export function siblingExperiment(from: Element | null, kind: string, direction: "next" | "previous"): Element | null {
  let node = from ? (direction === "next" ? from.nextElementSibling : from.previousElementSibling) : null;
  while (node) {
    if (node.matches(`[data-experiment="${kind}"]`)) return node;
    const inside = node.querySelector(`[data-experiment="${kind}"]`);
    if (inside) return inside;
    node = direction === "next" ? node.nextElementSibling : node.previousElementSibling;
  }
  // Not a sibling (a layout wrapped it): the page's only experiment of that kind, if there is one.
  const all = from?.ownerDocument.querySelectorAll(`[data-experiment="${kind}"]`);
  return all?.length === 1 ? all[0]! : null;
}

/** Significant figures for quoting a number back in prose. */
export function quote(value: number, digits = 3): string {
  return Number(value.toPrecision(digits)).toLocaleString("en-US", { maximumSignificantDigits: digits });
}

import { toString } from "hast-util-to-string";
import { visit } from "unist-util-visit";
import type { Root as HastRoot, Element } from "hast";
import type { Root as MdastRoot } from "mdast";

export interface TocEntry {
  id: string;
  title: string;
  depth: 2 | 3;
}

/** rehype plugin (after rehype-slug): records h2/h3 headings for the table of contents. */
export function collectHeadings(toc: TocEntry[]) {
  return (tree: HastRoot) => {
    toc.length = 0;
    visit(tree, "element", (node: Element) => {
      if ((node.tagName === "h2" || node.tagName === "h3") && typeof node.properties?.id === "string") {
        toc.push({ id: node.properties.id, title: toString(node), depth: node.tagName === "h2" ? 2 : 3 });
      }
    });
  };
}

/**
 * remark plugin: counts the live experiments a lesson embeds. By convention
 * every experiment component's name ends in "Experiment", so content needs no
 * knowledge of the component registry (which lives in app/).
 */
export function countExperiments(counter: { count: number }) {
  return (tree: MdastRoot) => {
    counter.count = 0;
    visit(tree, (node) => {
      // MDX JSX nodes are not part of mdast's own node types.
      const element = node as unknown as { type: string; name?: string | null };
      if (element.type === "mdxJsxFlowElement" || element.type === "mdxJsxTextElement") {
        if (element.name && /Experiment$/.test(element.name)) counter.count += 1;
      }
    });
  };
}

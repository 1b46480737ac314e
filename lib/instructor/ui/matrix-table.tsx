"use client";
import Link from "next/link";
import { useMemo, useState } from "react";
import { formatDate, formatDateTime, formatPercent } from "../format";
import type { ClassMatrix, MatrixRow } from "../matrix";
import { plural } from "@/lib/plural";

type SortKey = "name" | "average" | "lastActivity" | "attempts" | `lesson:${string}`;
type Filter = "all" | "inactive" | "struggling" | "no-attempt";

const DAY = 24 * 3600 * 1000;

function sortValue(row: MatrixRow, key: SortKey): string | number | null {
  if (key === "name") return row.name.toLocaleLowerCase();
  if (key === "average") return row.average;
  if (key === "lastActivity") return row.lastActivity;
  if (key === "attempts") return row.attempts;
  return row.cells[key.slice("lesson:".length)]?.bestScore ?? null;
}

/** Sortable, filterable learner × lesson table. All rows arrive with the page, so sorting never waits for the server. */
export function MatrixTable({ matrix }: { matrix: ClassMatrix }) {
  const [query, setQuery] = useState("");
  const [filter, setFilter] = useState<Filter>("all");
  const [threshold, setThreshold] = useState(50);
  const [sort, setSort] = useState<{ key: SortKey; descending: boolean }>({ key: "name", descending: false });
  const now = Date.parse(matrix.generatedAt);

  const rows = useMemo(() => {
    const q = query.trim().toLocaleLowerCase();
    const kept = matrix.rows.filter((row) => {
      if (q && !row.name.toLocaleLowerCase().includes(q) && !row.email.toLocaleLowerCase().includes(q)) return false;
      if (filter === "inactive") return !row.lastActivity || now - Date.parse(row.lastActivity) > 7 * DAY;
      if (filter === "struggling") return row.average !== null && row.average * 100 < threshold;
      if (filter === "no-attempt") return matrix.lessons.some((l) => l.quizId !== null && row.cells[l.slug]!.attempts === 0);
      return true;
    });
    const direction = sort.descending ? -1 : 1;
    return kept.sort((a, b) => {
      const x = sortValue(a, sort.key);
      const y = sortValue(b, sort.key);
      // Empty values sort last whichever way the column is sorted.
      if (x === null || y === null) return x === y ? a.name.localeCompare(b.name) : x === null ? 1 : -1;
      return (x < y ? -1 : x > y ? 1 : 0) * direction || a.name.localeCompare(b.name);
    });
  }, [matrix, query, filter, threshold, sort, now]);

  const header = (key: SortKey, label: string) => {
    const active = sort.key === key;
    return (
      <th scope="col" aria-sort={active ? (sort.descending ? "descending" : "ascending") : "none"}>
        <button type="button" className="ir-sort" onClick={() => setSort({ key, descending: active ? !sort.descending : key !== "name" })}>
          {label}
          <span aria-hidden="true">{active ? (sort.descending ? " ▼" : " ▲") : ""}</span>
        </button>
      </th>
    );
  };

  return (
    <section aria-labelledby="matrix-heading">
      <h2 id="matrix-heading">Learners × lessons</h2>
      <div className="ir-controls">
        <label>
          Search <input type="search" value={query} onChange={(e) => setQuery(e.target.value)} placeholder="name or email" />
        </label>
        <label>
          Show{" "}
          <select value={filter} onChange={(e) => setFilter(e.target.value as Filter)} data-testid="matrix-filter">
            <option value="all">all learners</option>
            <option value="struggling">average best score below…</option>
            <option value="no-attempt">a quiz not attempted</option>
            <option value="inactive">no activity for 7 days</option>
          </select>
        </label>
        {filter === "struggling" && (
          <label>
            <input type="number" min={0} max={100} value={threshold} onChange={(e) => setThreshold(Number(e.target.value))} style={{ width: "4.5rem" }} /> %
          </label>
        )}
        <span aria-live="polite" data-testid="matrix-count">
          {rows.length} of {plural(matrix.rows.length, "learner")}
        </span>
      </div>
      <div className="ir-scroll">
        <table className="ir-table ir-matrix" data-testid="matrix">
          <caption className="ir-caption">
            Per lesson: read (✓), experiment runs, best quiz score (attempts), last activity. Generated {formatDateTime(matrix.generatedAt)}.
          </caption>
          <thead>
            <tr>
              {header("name", "Learner")}
              {matrix.lessons.map((l) => (
                <th key={l.slug} scope="col" aria-sort={sort.key === `lesson:${l.slug}` ? (sort.descending ? "descending" : "ascending") : "none"}>
                  <button type="button" className="ir-sort" onClick={() => setSort({ key: `lesson:${l.slug}`, descending: sort.key === `lesson:${l.slug}` ? !sort.descending : true })}>
                    {l.title}
                    <span aria-hidden="true">{sort.key === `lesson:${l.slug}` ? (sort.descending ? " ▼" : " ▲") : ""}</span>
                  </button>
                </th>
              ))}
              {header("average", "Average best")}
              {header("attempts", "Attempts")}
              {header("lastActivity", "Last activity")}
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.userId}>
                <th scope="row">
                  <Link href={`/instructor/classes/${matrix.classId}/learners/${row.userId}`}>{row.name}</Link>
                  <br />
                  <small>{row.email}</small>
                </th>
                {matrix.lessons.map((l) => {
                  const cell = row.cells[l.slug]!;
                  return (
                    <td key={l.slug} data-lesson={l.slug}>
                      <span title={cell.read ? "read" : "not read"}>{cell.read ? "✓" : "·"}</span>{" "}
                      <span title={`${plural(cell.experimentsRun, "experiment run")}, ${plural(cell.resultsStored, "result")} stored`}>{plural(cell.experimentsRun, "run")}</span>
                      {l.quizId !== null && (
                        <>
                          <br />
                          <strong className={cell.bestScore !== null && cell.bestScore < 0.5 ? "ir-low" : undefined}>{formatPercent(cell.bestScore)}</strong>{" "}
                          <small>({cell.attempts})</small>
                        </>
                      )}
                      <br />
                      <small>{formatDate(cell.lastActivity)}</small>
                    </td>
                  );
                })}
                <td>{formatPercent(row.average)}</td>
                <td>{row.attempts}</td>
                <td>{formatDateTime(row.lastActivity)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

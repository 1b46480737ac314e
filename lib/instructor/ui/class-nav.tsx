import Link from "next/link";

const exports = [
  ["grades", "Grades"],
  ["attempts", "Attempts with answers"],
  ["experiments", "Experiment results"],
] as const;

/** Tabs of one class plus its CSV downloads; a server component (plain links). */
export function ClassNav({ classId, className, current }: { classId: string; className: string; current: "matrix" | "questions" | "devices" | "learner" }) {
  const base = `/instructor/classes/${classId}`;
  const tabs = [
    ["matrix", base, "Progress matrix"],
    ["questions", `${base}/questions`, "Question statistics"],
    ["devices", `${base}/devices`, "Device results"],
  ] as const;
  return (
    <header className="ir-class-header">
      <p className="ir-crumbs">
        <Link href="/instructor">Your classes</Link> › {className}
      </p>
      <nav aria-label="Class reports" className="ir-tabs">
        {tabs.map(([key, href, label]) => (
          <Link key={key} href={href} aria-current={current === key ? "page" : undefined}>
            {label}
          </Link>
        ))}
      </nav>
      <p className="ir-exports">
        Download CSV:{" "}
        {exports.map(([kind, label], i) => (
          <span key={kind}>
            {i > 0 ? " · " : ""}
            <a href={`/api/instructor/classes/${classId}/exports/${kind}`} download data-testid={`export-${kind}`}>
              {label}
            </a>
          </span>
        ))}
      </p>
    </header>
  );
}

import type { Metadata } from "next";
import { classForPage } from "@/lib/instructor/page-access.server";
import { classMatrix } from "@/lib/instructor/reports.server";
import { ClassNav } from "@/lib/instructor/ui/class-nav";
import { MatrixTable } from "@/lib/instructor/ui/matrix-table";

export const metadata: Metadata = { title: "Class progress" };

type Props = { params: Promise<{ classId: string }> };

export default async function ClassMatrixPage({ params }: Props) {
  const { classId } = await params;
  const { klass } = await classForPage(classId, `/instructor/classes/${classId}`);
  const matrix = await classMatrix(klass);
  return (
    <section>
      <h1>{klass.name}</h1>
      <ClassNav classId={klass.id} className={klass.name} current="matrix" />
      {matrix.rows.length === 0 ? (
        <p>
          No learner has joined yet. Join code: <code>{klass.joinCode}</code>
        </p>
      ) : (
        <MatrixTable matrix={matrix} />
      )}
    </section>
  );
}

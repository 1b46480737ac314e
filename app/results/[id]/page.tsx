import type { Metadata } from "next";
import Link from "next/link";
import { notFound } from "next/navigation";
import { fmt } from "@/lib/experiments/format";
import type { Recommendation } from "@/lib/experiments/recommend";
import { RecommendationAnswer } from "@/lib/experiments/recommendation-view";
import { RECOMMENDATION_EXPERIMENT } from "@/lib/experiments/recommend.server";
import { LAB_PAGES } from "@/lib/experiments/schema";
import { loadResultGroup } from "@/lib/experiments/store.server";
import { STORED_LANE_TITLES } from "@/lib/lanes";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Experiment result" };

/** The permalink of a stored run: every lane of it, with the device and environment it ran on. */
export default async function ResultPage({ params }: { params: Promise<{ id: string }> }) {
  const { id } = await params;
  const group = await loadResultGroup(id);
  if (!group || group.length === 0) notFound();
  const first = group[0]!;
  const labPath = LAB_PAGES[first.lessonSlug];
  const ownModel = first.results.ownModel as { name: string; sizeBytes: number; sha256: string } | undefined;
  return (
    <article className="lesson-body">
      <h1>
        {first.experiment} experiment: {ownModel ? ownModel.name : first.modelId}
      </h1>
      <p className="lead">
        Stored {new Date(first.createdAt).toUTCString()} from {labPath ? <Link href={labPath}>{labPath}</Link> : <>the lesson <Link href={`/lessons/${first.lessonSlug}`}>{first.lessonSlug}</Link></>}.
      </p>
      {ownModel && (
        <p data-testid="own-model-identity">
          A learner&apos;s own model, identified by its name, size ({ownModel.sizeBytes.toLocaleString("en-US")} bytes) and SHA-256 <code>{ownModel.sha256}</code>; its bytes never left their browser.
        </p>
      )}
      {(first.experiment as string) === RECOMMENDATION_EXPERIMENT && first.results.recommendation ? <RecommendationAnswer recommendation={first.results.recommendation as Recommendation} /> : null}
      <table className="result-table" data-testid="stored-result">
        <caption>One row per lane; latency in milliseconds, throughput in items per second (steady state)</caption>
        <thead>
          <tr>
            <th scope="col">Lane</th>
            <th scope="col">Device</th>
            <th scope="col">Threads</th>
            <th scope="col">Batch</th>
            <th scope="col">p50 (ms)</th>
            <th scope="col">Throughput (items/s)</th>
            <th scope="col">Server job</th>
          </tr>
        </thead>
        <tbody>
          {group.map((r) => (
            <tr key={r.id} data-lane={r.lane}>
              <th scope="row">{(STORED_LANE_TITLES as Record<string, string>)[r.lane] ?? r.lane}</th>
              <td>
                {r.device ?? "unknown"}
                {r.software ? " (software GPU: CPU speed, not GPU speed)" : ""}
              </td>
              <td>{r.threads ?? "—"}</td>
              <td>{r.batchSize ?? "—"}</td>
              <td>{fmt(r.p50Ms, 4)}</td>
              <td>{fmt(r.throughput, 4)}</td>
              <td>{r.benchmarkRunId ? <code>{r.benchmarkRunId}</code> : "—"}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <details>
        <summary>Environment and full results (JSON)</summary>
        <pre>{JSON.stringify(group, null, 2)}</pre>
      </details>
      <p>
        <a href={`/api/experiment-results/${first.id}`}>This result as JSON</a>
      </p>
    </article>
  );
}

import type { Metadata } from "next";
import { formatMs, formatRate } from "@/lib/instructor/format";
import { classForPage } from "@/lib/instructor/page-access.server";
import { classDevices } from "@/lib/instructor/reports.server";
import { ClassNav } from "@/lib/instructor/ui/class-nav";
import { DeviceChart } from "@/lib/instructor/ui/device-chart";
import { plural } from "@/lib/plural";

export const metadata: Metadata = { title: "Class device results" };

type Props = { params: Promise<{ classId: string }> };

export default async function DevicesPage({ params }: Props) {
  const { classId } = await params;
  const { klass } = await classForPage(classId, `/instructor/classes/${classId}/devices`);
  const { results, groups, server } = await classDevices(klass.id);
  const all = [...results, ...server];
  const models = [...new Set(all.filter((r) => r.p50Ms !== null).map((r) => r.modelId))].sort();
  return (
    <section>
      <h1>{klass.name}</h1>
      <ClassNav classId={klass.id} className={klass.name} current="devices" />
      <p>
        {plural(results.length, "stored result")} from {plural(new Set(results.map((r) => r.userId)).size, "learner")}
        {server.length > 0 ? `, beside ${plural(server.length, "server benchmark run")} of the same models` : ""}.
      </p>
      <DeviceChart results={all} models={models} />
      <h2 id="device-table">By model, lane and device</h2>
      <p id="device-table-note">Medians over each group&apos;s results. Software GPUs are labelled: they run on the CPU.</p>
      <div className="ir-scroll">
        <table className="ir-table" data-testid="device-table" aria-labelledby="device-table">
          <thead>
            <tr>
              <th scope="col">Model</th>
              <th scope="col">Lane</th>
              <th scope="col">Hardware</th>
              <th scope="col">Device / adapter</th>
              <th scope="col" className="num">Batch</th>
              <th scope="col" className="num">Results</th>
              <th scope="col" className="num">Learners</th>
              <th scope="col" className="num">p50 (ms)</th>
              <th scope="col" className="num">Throughput (items/s)</th>
            </tr>
          </thead>
          <tbody>
            {groups.map((g) => (
              <tr key={g.key}>
                <td>{g.modelId}</td>
                <td>{g.source === "server" ? `${g.lane} (server reference)` : g.lane}</td>
                <td>{g.kind === "software GPU" ? <span className="ir-software">software GPU</span> : g.kind}</td>
                <td>{g.device}</td>
                <td className="num">{g.batchSize ?? "—"}</td>
                <td className="num">{g.results}</td>
                <td className="num">{g.source === "server" ? "—" : g.learners}</td>
                <td className="num">{formatMs(g.p50Ms)}</td>
                <td className="num">{formatRate(g.throughput)}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </section>
  );
}

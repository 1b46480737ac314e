import type { Metadata } from "next";
import { DeviceSelectionExperiment } from "@/lib/experiments/device-selection";

export const metadata: Metadata = { title: "Your devices", description: "The GPU adapters your browser offers, the same model on each and on WASM, and how the server's lanes pick their devices." };

/** The device panel on a page of its own (lessons embed the same component, where runs are also stored). */
export default function DevicesPage() {
  return (
    <article className="lesson-body">
      <h1>Your devices</h1>
      <p className="lead">Which devices this lab can run a model on: the adapters your browser offers, timed side by side, and how the server chooses its own.</p>
      <DeviceSelectionExperiment />
    </article>
  );
}

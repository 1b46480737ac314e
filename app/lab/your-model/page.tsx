import type { Metadata } from "next";
import { serverEnv } from "@/lib/env.server";
import { YourModelLab } from "@/lib/your-model/your-model-lab";

export const metadata: Metadata = {
  title: "Your own model",
  description: "Inspect any ONNX file and measure it on your browser's WebGPU and WASM, without uploading it.",
};

// The size cap is a server setting read per request, not baked in at build time.
export const dynamic = "force-dynamic";

export default function YourModelPage() {
  return (
    <article className="lesson-body your-model">
      <h1>Your own model</h1>
      <p className="lead">
        Where should <em>your</em> model run? Bring an ONNX file: see what it contains, then time it on your browser&apos;s WebGPU and WASM side by side, with the same statistics, labels and exports as the lessons&apos; experiments.
      </p>
      <YourModelLab maxBytes={serverEnv().BROWSER_MODEL_MAX_BYTES} />
    </article>
  );
}

import { createHash } from "node:crypto";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, inject, it } from "vitest";
import { DataType, encodeModel, node, onnx, tensor, valueInfo, type GraphParts } from "@/lib/models/onnx-builder";
import { openBrowser, type LabBrowser } from "./browser";
import { lanesSettled, setLanes } from "./lab-page";

const baseUrl = inject("baseUrl");
const PAGE = `${baseUrl}/lab/your-model`;
const FEATURES = 12;
const OUT = 6;

/**
 * Unlike every shipped model: two inputs that share a batch and a symbolic sequence length
 * (token features and a mask), a projection and a tanh.
 */
function pairModelParts(): GraphParts {
  // Values no other file or request would hold, so finding them in a request would be the model leaking.
  const weights = Float32Array.from({ length: FEATURES * OUT }, (_, i) => Math.sin(i * 1.618) * 0.37 + 0.001 * i);
  return {
    name: "masked-projection",
    producer: "your-model-e2e",
    nodes: [node("Mul", ["tokens", "mask"], ["masked"]), node("MatMul", ["masked", "proj"], ["projected"]), node("Tanh", ["projected"], ["encoded"])],
    initializers: [tensor("proj", weights, [FEATURES, OUT])],
    inputs: [valueInfo("tokens", DataType.FLOAT, ["batch", "seq", FEATURES]), valueInfo("mask", DataType.FLOAT, ["batch", "seq", 1])],
    outputs: [valueInfo("encoded", DataType.FLOAT, ["batch", "seq", OUT])],
  };
}

interface SeenRequest {
  url: string;
  method: string;
  body: Buffer | null;
}

describe("your own model, in the browser only", () => {
  let browser: LabBrowser;
  let dir: string;
  let modelPath: string;
  let modelBytes: Uint8Array;
  const requests: SeenRequest[] = [];

  beforeAll(async () => {
    dir = mkdtempSync(path.join(os.tmpdir(), "your-model-e2e-"));
    modelBytes = encodeModel(pairModelParts());
    modelPath = path.join(dir, "masked-projection.onnx");
    writeFileSync(modelPath, modelBytes);
    browser = await openBrowser({ webgpu: true });
    browser.page.on("request", (r) => requests.push({ url: r.url(), method: r.method(), body: r.postDataBuffer() }));
  });
  afterAll(async () => {
    await browser?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it("inspects a generated two-input model, runs it on WASM and WebGPU (software) and no request carries its bytes", async () => {
    const { page } = browser;
    await page.goto(PAGE);
    expect(await page.getByTestId("privacy-note").innerText()).toMatch(/stays in this browser tab/);
    await page.setInputFiles('input[name="model-file"]', modelPath);

    const inspector = page.getByTestId("inspector");
    await inspector.waitFor({ timeout: 10_000 });
    expect(await inspector.locator('[data-domain="ai.onnx"]').getAttribute("data-version")).toBe("17");
    expect(await inspector.locator('[data-field="producer"]').innerText()).toBe("your-model-e2e");
    const inputs = inspector.locator('[data-testid="input"]');
    expect(await inputs.evaluateAll((rows) => rows.map((r) => r.getAttribute("data-name")))).toEqual(["tokens", "mask"]);
    expect(await inspector.locator('[data-testid="input"][data-name="tokens"] [data-dim]').evaluateAll((dims) => dims.map((d) => d.getAttribute("data-dim")))).toEqual(["batch", "seq"]);
    for (const op of ["ai.onnx::Mul", "ai.onnx::MatMul", "ai.onnx::Tanh"]) {
      expect(await inspector.locator(`[data-op="${op}"]`).getAttribute("data-count")).toBe("1");
    }
    expect(await inspector.locator('[data-field="parameters"]').innerText()).toMatch(new RegExp(`^${FEATURES * OUT} in 1 weight tensors`));
    const sha = createHash("sha256").update(modelBytes).digest("hex");
    expect(await page.getByTestId("fingerprint").innerText()).toContain(sha);

    // The sequence length is the form's to set (the batch is the experiments'); FLOPs follow it.
    const seq = page.locator('input[name="dim-seq"]');
    expect(await seq.inputValue()).toBe("128");
    expect(await page.locator('input[name="dim-batch"]').count()).toBe(0);
    await seq.fill("0");
    await page.getByRole("button", { name: "Use these sizes" }).click();
    // The field refuses it (the browser's own check, then parseDims'), and the sizes in use stay as they were.
    expect(await seq.evaluate((el) => (el as HTMLInputElement).validationMessage)).not.toBe("");
    expect(await page.getByTestId("applied-dims").innerText()).toContain("seq = 128");
    await seq.fill("20");
    await page.getByRole("button", { name: "Use these sizes" }).click();
    await expect.poll(() => page.getByTestId("applied-dims").innerText()).toContain("seq = 20");
    // 2 FLOPs per multiply-add: 20 positions × 12 features × 6 outputs.
    expect(await inspector.locator('[data-field="flops"]').innerText()).toMatch(/^2,?880 /);

    await lanesSettled(page, "latency");
    await setLanes(page, "latency", ["browser-wasm", "browser-webgpu"]);
    await page.locator('[data-experiment="latency"]').getByRole("button", { name: "Run" }).click();
    const latencyRows = page.locator('[data-testid="own-latency-table"] tbody tr');
    await expect.poll(() => latencyRows.count(), { timeout: 120_000 }).toBe(2);
    const wasm = page.locator('[data-testid="own-latency-table"] tr[data-lane="browser-wasm"]');
    const webgpu = page.locator('[data-testid="own-latency-table"] tr[data-lane="browser-webgpu"]');
    expect(await wasm.locator('[data-field="lane-title"]').innerText()).not.toMatch(/WebGPU/);
    expect(await webgpu.locator('[data-field="lane-title"]').innerText()).toMatch(/WebGPU/);
    // SwiftShader: a software GPU, labelled as one.
    expect(await webgpu.getAttribute("data-software")).toBe("true");
    expect(await webgpu.locator('[data-field="device"]').innerText()).toMatch(/swiftshader.*software GPU/i);
    for (const row of [wasm, webgpu]) {
      expect(Number((await row.locator('[data-field="p50"]').innerText()).replace(/,/g, ""))).toBeGreaterThan(0);
      expect(await row.locator('[data-field="session-create"]').innerText()).toMatch(/\d/);
    }
    await expect.poll(() => page.locator('[data-experiment="latency"] .permalink').count(), { timeout: 20_000 }).toBe(1);
    const permalink = await page.locator('[data-experiment="latency"] .permalink').getAttribute("href");

    await lanesSettled(page, "batch-sweep");
    await setLanes(page, "batch-sweep", ["browser-wasm", "browser-webgpu"]);
    await page.locator('select[name="own-max-batch"]').selectOption("4");
    await page.locator('[data-experiment="batch-sweep"]').getByRole("button", { name: "Run" }).click();
    const sweepRows = page.locator('[data-testid="own-sweep-table"] tr[data-batch]');
    await expect.poll(() => sweepRows.count(), { timeout: 150_000 }).toBe(6);
    expect(await page.locator('[data-testid="own-sweep-table"] tbody[data-lane="browser-webgpu"]').getAttribute("data-software")).toBe("true");

    // The stored result names the model by name, size and SHA-256, and holds none of its bytes.
    await page.goto(`${baseUrl}${permalink}`);
    expect(await page.getByTestId("own-model-identity").innerText()).toContain(sha);
    const stored = await (await fetch(`${baseUrl}/api/experiment-results/${permalink!.split("/").pop()}`)).text();
    expect(stored).toContain("masked-projection.onnx");
    expect(stored).not.toContain(Buffer.from(modelBytes).toString("base64").slice(0, 40));

    // The network log: no request body or URL carries the model (its weights are a distinctive run of bytes).
    const weights = Buffer.from(tensor("proj", Float32Array.from({ length: FEATURES * OUT }, (_, i) => Math.sin(i * 1.618) * 0.37 + 0.001 * i), [FEATURES, OUT]).rawData as Uint8Array);
    const withBodies = requests.filter((r) => r.body && r.body.length > 0);
    expect(withBodies.length).toBeGreaterThan(0); // the stored results went out as JSON
    for (const r of withBodies) {
      expect(r.body!.includes(weights), `${r.method} ${r.url} carries the weights`).toBe(false);
      expect(r.body!.includes(Buffer.from(modelBytes)), `${r.method} ${r.url} carries the file`).toBe(false);
      expect(r.body!.length, `${r.method} ${r.url}`).toBeLessThan(64 * 1024);
    }
    expect(requests.filter((r) => /masked-projection|\.onnx/.test(r.url)).map((r) => r.url)).toEqual([]);
  }, 420_000);

  it("refuses a model whose weights live in an external data file, and a text file, before running anything", async () => {
    const { page } = browser;
    const parts = pairModelParts();
    parts.initializers = [
      {
        name: "proj",
        dataType: DataType.FLOAT,
        dims: [FEATURES, OUT],
        dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
        externalData: [
          { key: "location", value: "proj.weights.bin" },
          { key: "offset", value: "0" },
          { key: "length", value: String(FEATURES * OUT * 4) },
        ],
      },
    ];
    const externalPath = path.join(dir, "external.onnx");
    writeFileSync(externalPath, encodeModel(parts));
    await page.goto(PAGE);
    const before = requests.length;
    await page.setInputFiles('input[name="model-file"]', externalPath);
    const refusal = page.getByTestId("run-refusal");
    await refusal.waitFor({ timeout: 10_000 });
    expect(await refusal.innerText()).toMatch(/proj\.weights\.bin[\s\S]*cannot open other files/);
    expect(await page.locator("[data-experiment]").count()).toBe(0);

    const textPath = path.join(dir, "notes.onnx");
    writeFileSync(textPath, "these are my notes, not a model\n");
    await page.setInputFiles('input[name="model-file"]', textPath);
    await expect.poll(() => page.getByTestId("refusal").getAttribute("data-code")).toBe("not-protobuf");
    // Refusing takes no request at all: onnxruntime-web is never fetched.
    expect(requests.slice(before).filter((r) => r.url.includes("/ort/"))).toEqual([]);
  }, 60_000);
});

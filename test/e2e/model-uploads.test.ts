import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeModel, node, tensor, valueInfo, DataType } from "@/lib/models/onnx-builder";
import { seededRandom } from "@/lib/random";
import { openBrowser, type LabBrowser } from "./browser";
import { freePort, migrate, root, signUp, startServer, type RunningServer } from "../helpers/server";
import { goodModel } from "../helpers/upload-models";

/**
 * Instructors' uploads through the production server (fast path + Next): a
 * file larger than Next's 10 MB proxy buffer arrives whole, the model serves
 * on /v2 from the node:http fast path, and the instructor page uploads and
 * deletes through its form in Chromium.
 */
const dir = mkdtempSync(path.join(os.tmpdir(), "inference-lab-uploads-e2e-"));
const databaseUrl = `file:${path.join(dir, "uploads.db")}`;
const modelsDir = path.join(dir, "models");
let server: RunningServer;
let browser: LabBrowser | undefined;
let instructor = "";

/** y = x·W with a 1024×3072 float weight: 12.6 MB, over the 10 MB a proxied request body is cut at. */
function largeModel(): Uint8Array {
  const random = seededRandom(4);
  const weights = Float32Array.from({ length: 1024 * 3072 }, () => random() - 0.5);
  return encodeModel({
    name: "large",
    nodes: [node("MatMul", ["x", "W"], ["y"])],
    initializers: [tensor("W", weights, [1024, 3072])],
    inputs: [valueInfo("x", DataType.FLOAT, ["batch", 1024])],
    outputs: [valueInfo("y", DataType.FLOAT, ["batch", 3072])],
  });
}

beforeAll(async () => {
  migrate(databaseUrl);
  const created = spawnSync(process.execPath, ["--conditions=react-server", "--import", "tsx", path.join(root, "scripts", "create-instructor.ts"), "--email", "uploader@example.com", "--password", "uploader password"], {
    cwd: root,
    env: { ...process.env, DATABASE_URL: databaseUrl },
    encoding: "utf8",
  });
  if (created.status !== 0) throw new Error(`create-instructor failed:\n${created.stdout}\n${created.stderr}`);
  server = await startServer(databaseUrl, await freePort(), { MODELS_DIR: modelsDir });
  const signIn = await fetch(`${server.baseUrl}/api/auth/sign-in/email`, {
    method: "POST",
    headers: { "content-type": "application/json", origin: server.baseUrl },
    body: JSON.stringify({ email: "uploader@example.com", password: "uploader password" }),
  });
  expect(signIn.status).toBe(200);
  instructor = signIn.headers.getSetCookie().map((c) => c.split(";")[0]!).join("; ");
}, 120_000);

afterAll(async () => {
  await browser?.close();
  if (server?.process.exitCode === null) server.process.kill("SIGKILL");
  rmSync(dir, { recursive: true, force: true });
});

const post = (query: string, body: Uint8Array, cookie = instructor) =>
  fetch(`${server.baseUrl}/api/models?${query}`, { method: "POST", headers: { origin: server.baseUrl, cookie, "content-type": "application/octet-stream" }, body: body as BodyInit });

describe("model uploads on the production server", () => {
  it("takes a 12.6 MB file whole, and serves it on capabilities and the v2 fast path", async () => {
    const bytes = largeModel();
    expect(bytes.length).toBeGreaterThan(12 * 1024 * 1024);
    const response = await post("name=large-matmul&description=one%201024x3072%20MatMul", bytes);
    const body = await response.json();
    expect(response.status, body.error).toBe(201);
    expect(body.model).toMatchObject({ name: "large-matmul", sizeBytes: bytes.length });
    expect(readdirSync(modelsDir).sort()).toEqual([`${body.model.sha256}.json`, `${body.model.sha256}.onnx`]);

    const capabilities = await (await fetch(`${server.baseUrl}/api/capabilities`)).json();
    expect(capabilities.models.find((m: { id: string }) => m.id === "large-matmul")).toMatchObject({ catalog: { variant: "uploaded", addedBy: { name: "uploader" } } });

    const x = Array.from({ length: 1024 }, (_, i) => (i === 0 ? 1 : 0));
    const inferred = await fetch(`${server.baseUrl}/v2/models/large-matmul/infer`, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ inputs: [{ name: "x", shape: [1, 1024], datatype: "FP32", data: x }] }),
    });
    const result = await inferred.json();
    expect(inferred.status, result.error).toBe(200);
    // x picks row 0 of W: the first outputs are the first weights the fixture drew.
    const random = seededRandom(4);
    expect(result.outputs[0].data.slice(0, 3).map((v: number) => v.toFixed(5))).toEqual([0, 1, 2].map(() => (random() - 0.5).toFixed(5)));
  });

  it("refuses learners (403) and anonymous visitors (401) without reading the body", async () => {
    const learner = await signUp(server.baseUrl, `learner-${Date.now()}@example.com`);
    expect((await post("name=x", goodModel(), learner)).status).toBe(403);
    expect((await post("name=x", goodModel(), "")).status).toBe(401);
  });

  it("uploads and deletes through the instructor page's form in Chromium", async () => {
    browser = await openBrowser();
    const { page, context } = browser;
    await context.addCookies(
      instructor.split("; ").map((pair) => ({ name: pair.slice(0, pair.indexOf("=")), value: pair.slice(pair.indexOf("=") + 1), url: server.baseUrl })),
    );
    await page.goto(`${server.baseUrl}/instructor/models`);
    await expect.poll(() => page.getByTestId("uploaded-models").textContent()).toContain("large-matmul");
    const file = path.join(dir, "two-inputs.onnx");
    writeFileSync(file, goodModel(11));
    await page.locator('input[type="file"]').setInputFiles(file);
    await page.locator('input[name="name"]').fill("two-inputs");
    await page.locator('input[name="axes"]').fill("sequence=8");
    await page.getByRole("button", { name: "Upload" }).click();
    await expect.poll(() => page.getByTestId("model-upload-status").textContent(), { timeout: 60_000 }).toMatch(/Added two-inputs: its first session loaded in/);
    await expect.poll(() => page.getByTestId("uploaded-models").textContent()).toContain("two-inputs");

    page.once("dialog", (dialog) => void dialog.accept());
    await page.getByRole("row", { name: /two-inputs/ }).getByRole("button", { name: "Delete" }).click();
    await expect.poll(() => page.getByTestId("model-upload-status").textContent()).toBe("Deleted two-inputs.");
    const capabilities = await (await fetch(`${server.baseUrl}/api/capabilities`)).json();
    expect(capabilities.models.map((m: { id: string }) => m.id)).not.toContain("two-inputs");
  });
});

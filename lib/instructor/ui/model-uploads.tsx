"use client";
import { useRouter } from "next/navigation";
import { type FormEvent, useState } from "react";
import { MODEL_DESCRIPTION_MAX, MODEL_NAME_MAX, modelNameProblem, type WireUploadedModel } from "@/lib/inference/uploads/spec";

async function errorOf(response: Response): Promise<string> {
  const body = (await response.json().catch(() => null)) as { error?: string } | null;
  return body?.error ?? `HTTP ${response.status}`;
}

function size(bytes: number): string {
  return bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MiB` : `${(bytes / 1024).toFixed(1)} KiB`;
}

const shape = (dims: Array<number | string>) => `[${dims.join(", ")}]`;

/**
 * The instructor's side of the server's model catalogue: upload an .onnx file
 * (sent as the request body itself, so the server streams it to disk) and
 * delete the ones you added. The server checks the file in a separate process
 * first; its answer, accepted or the reason for refusing, is shown as is.
 */
export function ModelUploads({ models, capBytes }: { models: WireUploadedModel[]; capBytes: number }) {
  const router = useRouter();
  const [status, setStatus] = useState<{ kind: "idle" | "busy" | "ok" | "error"; text: string }>({ kind: "idle", text: "" });

  async function submit(event: FormEvent<HTMLFormElement>) {
    event.preventDefault();
    const form = new FormData(event.currentTarget);
    const file = form.get("file");
    const name = String(form.get("name") ?? "").trim();
    const problem = modelNameProblem(name);
    if (problem) return setStatus({ kind: "error", text: problem });
    if (!(file instanceof File) || file.size === 0) return setStatus({ kind: "error", text: "choose a non-empty .onnx file" });
    if (file.size > capBytes) return setStatus({ kind: "error", text: `the file is ${size(file.size)}, over the server's cap of ${size(capBytes)}` });
    const query = new URLSearchParams({ name });
    const description = String(form.get("description") ?? "").trim();
    if (description) query.set("description", description);
    const axes = String(form.get("axes") ?? "").trim();
    if (axes) query.set("axes", axes);
    setStatus({ kind: "busy", text: `Uploading ${size(file.size)} and loading it once in a separate process…` });
    const response = await fetch(`/api/models?${query}`, { method: "POST", headers: { "content-type": "application/octet-stream" }, body: file });
    if (!response.ok) return setStatus({ kind: "error", text: `Refused (${response.status}): ${await errorOf(response)}` });
    const body = (await response.json()) as { model: WireUploadedModel; check: { sessionCreateMs: number; firstRunMs: number } };
    setStatus({ kind: "ok", text: `Added ${body.model.name}: its first session loaded in ${body.check.sessionCreateMs} ms and ran once in ${body.check.firstRunMs} ms (cold).` });
    router.refresh();
  }

  async function remove(model: WireUploadedModel) {
    if (!window.confirm(`Delete ${model.name}? Benchmarks already stored keep their numbers.`)) return;
    const response = await fetch(`/api/models/${model.id}`, { method: "DELETE" });
    if (!response.ok) return setStatus({ kind: "error", text: `Could not delete ${model.name}: ${await errorOf(response)}` });
    setStatus({ kind: "ok", text: `Deleted ${model.name}.` });
    router.refresh();
  }

  return (
    <>
      <form onSubmit={submit} className="ir-question" data-testid="model-upload-form">
        <h2>Add a model</h2>
        <p className="muted">
          One self-contained .onnx file up to {size(capBytes)} (no external weight files). The server refuses custom-op domains and tensors that disagree with their
          bytes, then loads it once in a separate process with a time and memory limit before any lesson may use it.
        </p>
        <p>
          <label>
            File <input type="file" name="file" accept=".onnx" required />
          </label>
        </p>
        <p>
          <label>
            Name (its id in the API: letters, digits, &apos;.&apos;, &apos;_&apos;, &apos;-&apos;){" "}
            <input name="name" required maxLength={MODEL_NAME_MAX} pattern="[A-Za-z0-9][A-Za-z0-9._\-]*" />
          </label>
        </p>
        <p>
          <label>
            Description (optional) <input name="description" maxLength={MODEL_DESCRIPTION_MAX} size={60} />
          </label>
        </p>
        <p>
          <label>
            Sizes of dynamic axes other than the batch (optional, e.g. <code>sequence=128</code>) <input name="axes" />
          </label>
        </p>
        <button type="submit" disabled={status.kind === "busy"}>
          Upload
        </button>
        {status.text && (
          <p role="status" className={status.kind === "error" ? "form-error" : undefined} data-testid="model-upload-status">
            {status.text}
          </p>
        )}
      </form>
      {models.length === 0 ? (
        <p>No instructor has added a model yet.</p>
      ) : (
        <table className="ir-table" data-testid="uploaded-models">
          <thead>
            <tr>
              <th scope="col">Name</th>
              <th scope="col">Inputs → outputs</th>
              <th scope="col" className="num">Size</th>
              <th scope="col">Added by</th>
              <th scope="col" />
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <tr key={m.id}>
                <th scope="row">
                  {m.name}
                  {m.description && <div className="muted">{m.description}</div>}
                </th>
                <td>
                  {m.inputs.map((t) => `${t.name} ${t.dtype}${shape(t.shape)}`).join(", ")} → {m.outputs.map((t) => `${t.name} ${shape(t.shape)}`).join(", ")}
                </td>
                <td className="num">{size(m.sizeBytes)}</td>
                <td>
                  {m.addedBy.name}, {m.addedAt.slice(0, 10)}
                </td>
                <td>
                  {m.mine ? (
                    <button type="button" onClick={() => void remove(m)}>
                      Delete
                    </button>
                  ) : (
                    <span className="muted">only its owner may delete it</span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

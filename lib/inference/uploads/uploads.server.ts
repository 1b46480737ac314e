import "server-only";
import { createHash, randomUUID } from "node:crypto";
import { open, rm } from "node:fs/promises";
import path from "node:path";
import { z } from "zod";
import { currentUser, requireInstructor } from "@/lib/auth/session.server";
import { db, dbReady } from "@/lib/db/client.server";
import { serverEnv } from "@/lib/env.server";
import { HttpError, jsonOk } from "@/lib/http/errors";
import { crossSiteRefusal } from "@/lib/http/origin";
import { handleErrors, parseWith } from "@/lib/http/request.server";
import { findModel } from "../catalog.server";
import { releaseRunnersOf } from "../sessions.server";
import { checkModelInChild, checkLimits } from "./check.server";
import { axisSizesSchema, modelDescriptionSchema, modelNameSchema, type UploadedModelSpec, type WireUploadedModel } from "./spec";
import { ensureModelsDir, removeStoredModel, storeAcceptedModel, type StoredModelManifest } from "./store.server";

/**
 * Instructors add ONNX models to the server's catalogue (POST /api/models) and
 * remove their own (DELETE /api/models/{id}). The file is streamed to a
 * temporary file while it is hashed, never held whole in memory, checked in a
 * child process (check.server.ts), then renamed to <sha256>.onnx. The
 * database row records who added it; the unique SHA-256 and name decide
 * between two uploads of the same file at once.
 */

const uploadQuerySchema = z.object({
  name: modelNameSchema,
  description: modelDescriptionSchema.optional(),
  axes: axisSizesSchema.optional(),
});

function readableBytes(bytes: number): string {
  const [unit, size] = bytes >= 1024 * 1024 ? ["MiB", 1024 * 1024] : bytes >= 1024 ? ["KiB", 1024] : ["bytes", 1];
  return `${Number((bytes / (size as number)).toFixed(1))} ${unit}`;
}

function tooLarge(cap: number): HttpError {
  return new HttpError(413, `the model file is over the upload cap of ${readableBytes(cap)} (${cap} bytes, MODEL_UPLOAD_MAX_BYTES)`);
}

/** Files being received or checked right now, by SHA-256: the same upload twice at once is told so without a second check. */
const inFlight = new Set<string>();

interface Received {
  file: string;
  bytes: number;
  sha256: string;
}

/** Streams the body to a temporary file beside the store (same filesystem, so the final rename is atomic), hashing as it goes. */
async function receive(request: Request, cap: number): Promise<Received> {
  const declared = request.headers.get("content-length");
  const declaredBytes = declared !== null && /^\d+$/.test(declared) ? Number(declared) : null;
  if (declaredBytes !== null && declaredBytes > cap) throw tooLarge(cap);
  if (declaredBytes === 0 || !request.body) throw new HttpError(400, "the model file is empty (0 bytes)");
  const file = path.join(ensureModelsDir(), `.upload-${randomUUID()}.part`);
  const hash = createHash("sha256");
  const handle = await open(file, "wx", 0o600);
  let bytes = 0;
  try {
    try {
      for await (const chunk of request.body as unknown as AsyncIterable<Uint8Array>) {
        bytes += chunk.byteLength;
        if (bytes > cap) throw tooLarge(cap);
        hash.update(chunk);
        await handle.write(chunk);
      }
    } catch (error) {
      if (error instanceof HttpError) throw error;
      throw new HttpError(400, `the upload was aborted after ${bytes} bytes${declaredBytes !== null ? ` of ${declaredBytes}` : ""}; nothing was kept`);
    }
    if (declaredBytes !== null && bytes !== declaredBytes) throw new HttpError(400, `the upload was aborted after ${bytes} of ${declaredBytes} bytes; nothing was kept`);
    if (bytes === 0) throw new HttpError(400, "the model file is empty (0 bytes)");
    await handle.close();
    return { file, bytes, sha256: hash.digest("hex") };
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(file, { force: true });
    throw error;
  }
}

function isUniqueViolation(error: unknown): boolean {
  return typeof error === "object" && error !== null && (error as { code?: unknown }).code === "P2002";
}

async function duplicateOf(sha256: string): Promise<string | null> {
  const row = await db.uploadedModel.findUnique({ where: { sha256 }, select: { name: true } });
  return row?.name ?? null;
}

export function uploadModel(request: Request): Promise<Response> {
  return handleErrors(async () => {
    // POST /api/models bypasses proxy.ts (whose body cloning would hold the file in memory), so it checks the origin itself.
    const refusal = crossSiteRefusal(request.method, request.headers, serverEnv().BETTER_AUTH_URL);
    if (refusal) throw new HttpError(403, refusal);
    const user = await requireInstructor(request.headers);
    const contentType = request.headers.get("content-type") ?? "";
    if (/^multipart\//i.test(contentType)) {
      throw new HttpError(415, "send the .onnx file itself as the body (application/octet-stream), with name and description in the query string");
    }
    const query = new URL(request.url).searchParams;
    const { name, description, axes } = parseWith(
      uploadQuerySchema,
      { name: query.get("name") ?? "", description: query.get("description") ?? undefined, axes: query.get("axes") ?? undefined },
    );
    if (findModel(name)) throw new HttpError(409, `a model named "${name}" is already in the catalogue; choose another name`);
    await dbReady();
    const cap = serverEnv().MODEL_UPLOAD_MAX_BYTES;
    const received = await receive(request, cap);
    try {
      const existing = await duplicateOf(received.sha256);
      if (existing) throw new HttpError(409, `this file is already in the catalogue as "${existing}" (sha256 ${received.sha256})`);
      if (inFlight.has(received.sha256)) throw new HttpError(409, `the same file (sha256 ${received.sha256}) is being uploaded right now; it is a duplicate`);
      inFlight.add(received.sha256);
      try {
        const limits = checkLimits();
        const outcome = await checkModelInChild({ file: received.file, maxTensorBytes: Math.floor(limits.memoryBytes / 4), axisSizes: axes ?? {} }, limits);
        if (outcome.kind === "refused") throw new HttpError(outcome.status, outcome.error);
        const id = randomUUID();
        const addedAt = new Date();
        try {
          await db.uploadedModel.create({
            data: { id, name, sha256: received.sha256, description: description ?? null, sizeBytes: received.bytes, spec: JSON.stringify(outcome.spec), addedById: user.id, createdAt: addedAt },
          });
        } catch (error) {
          if (!isUniqueViolation(error)) throw error;
          const sameFile = await duplicateOf(received.sha256);
          throw new HttpError(409, sameFile ? `this file was just added as "${sameFile}" by another upload; it is a duplicate` : `a model named "${name}" was just added; choose another name`);
        }
        const manifest: StoredModelManifest = {
          id,
          name,
          sha256: received.sha256,
          sizeBytes: received.bytes,
          description: description ?? null,
          addedBy: { id: user.id, name: user.name },
          addedAt: addedAt.toISOString(),
          spec: outcome.spec,
        };
        try {
          storeAcceptedModel(received.file, manifest);
        } catch (error) {
          await db.uploadedModel.delete({ where: { id } }).catch(() => undefined);
          removeStoredModel(received.sha256);
          throw error;
        }
        return jsonOk(
          {
            model: wireModel(manifest, user.id),
            check: { sessionCreateMs: round(outcome.createMs), firstRunMs: round(outcome.runMs), wallMs: round(outcome.wallMs), peakRssBytes: outcome.peakRssBytes },
          },
          201,
          { location: `/api/models/${id}` },
        );
      } finally {
        inFlight.delete(received.sha256);
      }
    } finally {
      await rm(received.file, { force: true });
    }
  });
}

const round = (ms: number) => Math.round(ms * 100) / 100;

function wireModel(manifest: Omit<StoredModelManifest, "addedBy"> & { addedBy: { id: string; name: string } }, viewerId: string | null): WireUploadedModel {
  return {
    id: manifest.id,
    name: manifest.name,
    description: manifest.description,
    sha256: manifest.sha256,
    sizeBytes: manifest.sizeBytes,
    addedBy: { name: manifest.addedBy.name },
    addedAt: manifest.addedAt,
    mine: viewerId === manifest.addedBy.id,
    inputs: manifest.spec.inputs,
    outputs: manifest.spec.outputs,
  };
}

/** Every uploaded model, newest first; `mine` marks the ones the signed-in instructor may delete. */
export async function listUploadedModels(headers: Headers): Promise<WireUploadedModel[]> {
  const viewer = await currentUser(headers);
  await dbReady();
  const rows = await db.uploadedModel.findMany({ orderBy: { createdAt: "desc" }, include: { addedBy: { select: { id: true, name: true } } } });
  return rows.map((row) =>
    wireModel(
      {
        id: row.id,
        name: row.name,
        sha256: row.sha256,
        sizeBytes: row.sizeBytes,
        description: row.description,
        addedBy: row.addedBy,
        addedAt: row.createdAt.toISOString(),
        spec: JSON.parse(row.spec) as UploadedModelSpec,
      },
      viewer?.id ?? null,
    ),
  );
}

export function getUploadedModels(request: Request): Promise<Response> {
  return handleErrors(async () => jsonOk({ models: await listUploadedModels(request.headers) }));
}

/** Only the instructor who added a model removes it; its cached sessions are released first, then its files. */
export function deleteUploadedModel(request: Request, id: string): Promise<Response> {
  return handleErrors(async () => {
    const user = await requireInstructor(request.headers);
    if (!/^[0-9a-f-]{36}$/.test(id)) throw new HttpError(404, `no uploaded model with id ${id.slice(0, 80)}`);
    await dbReady();
    const row = await db.uploadedModel.findUnique({ where: { id } });
    if (!row) throw new HttpError(404, `no uploaded model with id ${id}`);
    if (row.addedById !== user.id) throw new HttpError(403, `only the instructor who added "${row.name}" may delete it`);
    await db.uploadedModel.delete({ where: { id } });
    removeStoredModel(row.sha256);
    const released = await releaseRunnersOf(row.name);
    return jsonOk({ deleted: { id, name: row.name, sha256: row.sha256 }, sessionsReleased: released });
  });
}

import type { Metadata } from "next";
import { headers } from "next/headers";
import Link from "next/link";
import { serverEnv } from "@/lib/env.server";
import { listUploadedModels } from "@/lib/inference/uploads/uploads.server";
import { instructorForPage } from "@/lib/instructor/page-access.server";
import { ModelUploads } from "@/lib/instructor/ui/model-uploads";

export const metadata: Metadata = { title: "Models · Instructor" };

export default async function InstructorModels() {
  await instructorForPage("/instructor/models");
  const models = await listUploadedModels(await headers());
  return (
    <section>
      <p className="ir-crumbs">
        <Link href="/instructor">Instructor</Link> / models
      </p>
      <h1>Models on the server</h1>
      <p>
        A model added here joins the shipped ones on every server lane: the capabilities list, the benchmark API and the Open Inference Protocol routes
        (<code>/v2/models/&lt;name&gt;</code>), marked as added by you.
      </p>
      <ModelUploads models={models} capBytes={serverEnv().MODEL_UPLOAD_MAX_BYTES} />
    </section>
  );
}

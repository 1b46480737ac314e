import type { Metadata } from "next";
import { instructorExists } from "@/lib/auth/instructors.server";
import { AuthForm } from "../auth-form";

export const metadata: Metadata = { title: "Set up" };
// Whether setup is still open is a database question, asked on every request.
export const dynamic = "force-dynamic";

export default async function SetupPage() {
  if (await instructorExists()) {
    return (
      <section className="auth-page">
        <h1>Setup is complete</h1>
        <p>An instructor already exists. More instructors: <code>npm run create-instructor -- --email E --password P</code>.</p>
      </section>
    );
  }
  return (
    <section className="auth-page">
      <h1>Create the first instructor</h1>
      <p>This page works once, on a fresh instance with no instructor.</p>
      <AuthForm mode="setup" />
    </section>
  );
}

import type { Metadata } from "next";
import { ClassesPanel } from "@/lib/auth/ui/classes-panel";

export const metadata: Metadata = { title: "Classes" };

export default function ClassesPage() {
  return (
    <section>
      <h1>Classes</h1>
      <ClassesPanel />
    </section>
  );
}

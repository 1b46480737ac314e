import type { ReactNode } from "react";
import "./instructor.css";

export default function InstructorLayout({ children }: { children: ReactNode }) {
  return <div className="ir">{children}</div>;
}

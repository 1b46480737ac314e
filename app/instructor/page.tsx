import type { Metadata } from "next";
import Link from "next/link";
import { classesTaught } from "@/lib/instructor/access.server";
import { instructorForPage } from "@/lib/instructor/page-access.server";

export const metadata: Metadata = { title: "Instructor" };

export default async function InstructorHome() {
  const user = await instructorForPage("/instructor");
  const classes = await classesTaught(user.id);
  return (
    <section>
      <h1>Your classes</h1>
      <p>
        <Link href="/instructor/models">Models on the server</Link>: add your own ONNX models to the lanes learners benchmark.
      </p>
      {classes.length === 0 ? (
        <p>
          You teach no class yet. <Link href="/classes">Create one</Link> and give learners its join code.
        </p>
      ) : (
        <>
          <table className="ir-table" data-testid="instructor-classes">
            <thead>
              <tr>
                <th scope="col">Class</th>
                <th scope="col" className="num">Learners</th>
                <th scope="col">Join code</th>
                <th scope="col">Reports</th>
              </tr>
            </thead>
            <tbody>
              {classes.map((c) => (
                <tr key={c.id}>
                  <th scope="row">
                    <Link href={`/instructor/classes/${c.id}`}>{c.name}</Link>
                  </th>
                  <td className="num">{c.members}</td>
                  <td>
                    <code>{c.joinCode}</code>
                  </td>
                  <td>
                    <Link href={`/instructor/classes/${c.id}`}>progress</Link> · <Link href={`/instructor/classes/${c.id}/questions`}>questions</Link> ·{" "}
                    <Link href={`/instructor/classes/${c.id}/devices`}>devices</Link>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
          <p>
            <Link href="/classes">Create another class</Link>
          </p>
        </>
      )}
    </section>
  );
}

import Link from "next/link";

export default function NotFound() {
  return (
    <section className="hero">
      <h1>Page not found</h1>
      <p className="lead">There is no lesson or page at this address.</p>
      <p>
        <Link href="/">Back to the lessons</Link>
      </p>
    </section>
  );
}

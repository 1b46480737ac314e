import type { Metadata } from "next";
import { AuthForm } from "../auth-form";

export const metadata: Metadata = { title: "Sign up" };

type Props = { searchParams: Promise<{ next?: string | string[] }> };

export default async function SignUpPage({ searchParams }: Props) {
  const { next } = await searchParams;
  return (
    <section className="auth-page">
      <h1>Sign up</h1>
      <p>An account keeps your quiz attempts and progress, on any device.</p>
      <AuthForm mode="sign-up" next={typeof next === "string" ? next : undefined} />
    </section>
  );
}

import type { Metadata } from "next";
import { AuthForm } from "../auth-form";

export const metadata: Metadata = { title: "Sign in" };

type Props = { searchParams: Promise<{ next?: string | string[] }> };

export default async function LoginPage({ searchParams }: Props) {
  const { next } = await searchParams;
  return (
    <section className="auth-page">
      <h1>Sign in</h1>
      <AuthForm mode="login" next={typeof next === "string" ? next : undefined} />
    </section>
  );
}

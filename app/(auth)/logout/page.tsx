import type { Metadata } from "next";
import { SignOutButton } from "@/lib/auth/ui/account-nav";

export const metadata: Metadata = { title: "Sign out" };

export default function LogoutPage() {
  return (
    <section className="auth-page">
      <h1>Sign out</h1>
      <SignOutButton />
    </section>
  );
}

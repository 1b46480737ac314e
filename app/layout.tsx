import type { Metadata } from "next";
import Link from "next/link";
import type { ReactNode } from "react";
import { AccountNav } from "@/lib/auth/ui/account-nav";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Inference Lab", template: "%s · Inference Lab" },
  description: "Learn by measuring when machine-learning inference belongs on a CPU and when on a GPU.",
  // Static files in public/ (not app/'s icon conventions), so the repository's public/ holds what it serves as is.
  icons: { icon: [{ url: "/favicon.ico", sizes: "any" }, { url: "/icon.svg", type: "image/svg+xml" }] },
};

export default function RootLayout({ children }: { children: ReactNode }) {
  return (
    <html lang="en">
      <body>
        <a className="skip-link" href="#main">
          Skip to content
        </a>
        <header className="site-header">
          <nav aria-label="Main">
            <Link className="brand" href="/">
              Inference Lab
            </Link>
            <Link href="/#lessons">Lessons</Link>
            <Link href="/glossary">Glossary</Link>
            <Link href="/lab/your-model">Your model</Link>
            <AccountNav />
          </nav>
        </header>
        <main id="main">{children}</main>
      </body>
    </html>
  );
}

import type { NextConfig } from "next";

const nextConfig: NextConfig = {
  // Native addons and the MDX compiler stay as plain Node requires on the server.
  serverExternalPackages: [
    "mdx-bundler",
    "esbuild",
    "onnxruntime-node",
    "better-sqlite3",
    "@node-rs/argon2",
    "@prisma/client",
    "pg",
  ],
  poweredByHeader: false,
  async headers() {
    // Cross-origin isolation lets onnxruntime-web use WASM threads and fine timers
    // on lesson pages. Every page has it, not only lessons: a link followed from a
    // page without it is a client-side navigation that keeps the first document,
    // so the lesson would run unisolated until reloaded. Every asset those pages
    // load is same-origin, and says so.
    const isolated = [
      { key: "Cross-Origin-Opener-Policy", value: "same-origin" },
      { key: "Cross-Origin-Embedder-Policy", value: "require-corp" },
    ];
    const sameOrigin = [{ key: "Cross-Origin-Resource-Policy", value: "same-origin" }];
    return [
      { source: "/:path*", headers: isolated },
      // Workers (and the WASM threads onnxruntime-web starts) take their policy from their script's response.
      { source: "/_next/static/:path*", headers: [...sameOrigin, ...isolated.slice(1)] },
      {
        source: "/ort/:path*",
        headers: [...sameOrigin, ...isolated.slice(1), { key: "Cache-Control", value: "public, max-age=604800" }],
      },
    ];
  },
  reactStrictMode: true,
};

export default nextConfig;

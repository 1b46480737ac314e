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
  reactStrictMode: true,
};

export default nextConfig;

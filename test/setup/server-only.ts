import { vi } from "vitest";
// "server-only" throws outside a React Server Components build; in Node tests it is just a marker.
vi.mock("server-only", () => ({}));

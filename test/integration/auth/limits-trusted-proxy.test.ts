import { describe, expect, it } from "vitest";
import { authHarness } from "./limits-suite";

/** Behind a reverse proxy that names the client (AUTH_CLIENT_IP_HEADER): limits per account and per address. */
const h = authHarness({ AUTH_CLIENT_IP_HEADER: "x-real-ip" });
const from = (ip: string) => ({ "x-real-ip": ip });

describe("sign-in limits behind a trusted proxy", () => {
  it("lets a class of 500 sign in within a minute from one NAT address", async () => {
    const accounts = Array.from({ length: 20 }, (_, i) => `nat-${i}@example.com`);
    for (const email of accounts) await h.signUp(email, "correct horse battery", from("203.0.113.7"));
    const started = performance.now();
    const statuses: number[] = [];
    for (let i = 0; i < 500; i += 1) statuses.push((await h.signIn(accounts[i % accounts.length]!, "correct horse battery", from("203.0.113.7"))).status);
    const seconds = (performance.now() - started) / 1000;
    console.log(`class of 500 behind one address: ${statuses.filter((s) => s === 200).length} signed in, ${statuses.filter((s) => s === 429).length} refused, ${seconds.toFixed(1)} s`);
    expect(statuses.filter((s) => s !== 200)).toEqual([]);
  }, 180_000);

  it("stops a sprayer's address after 200 wrong passwords while the class behind another address signs in", async () => {
    await h.signUp("victim@example.com", "correct horse battery", from("198.51.100.1"));
    const statuses: number[] = [];
    for (let i = 0; i < 1000; i += 1) statuses.push((await h.signIn(`spray-${i % 400}@example.com`, `guess ${i}`, from("192.0.2.66"))).status);
    const refused = statuses.filter((s) => s === 429).length;
    console.log(`sprayer, 1,000 wrong passwords from one address: ${statuses.filter((s) => s === 401).length} checked (401), ${refused} refused (429)`);
    expect(statuses.slice(0, 200).every((s) => s === 401)).toBe(true);
    expect(refused).toBe(800);
    expect((await h.signIn("victim@example.com", "correct horse battery", from("198.51.100.1"))).status).toBe(200);
  }, 240_000);
});

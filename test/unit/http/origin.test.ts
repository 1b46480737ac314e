import { describe, expect, it } from "vitest";
import { crossSiteRefusal, sameHostOrigin, secureCookiesFor } from "@/lib/http/origin";

const headers = (entries: Record<string, string>) => new Headers(entries);

describe("sameHostOrigin: the browser's origin is trusted when it names the host the request reached", () => {
  it.each([
    ["http://127.0.0.1:3000", "127.0.0.1:3000"],
    ["http://localhost:3000", "localhost:3000"],
    ["http://192.168.1.20:3000", "192.168.1.20:3000"],
    ["http://Classroom-Lab.test:3000", "classroom-lab.test:3000"],
  ])("trusts %s sent to Host %s", (origin, host) => {
    expect(sameHostOrigin(headers({ origin, host }))).toBe(new URL(origin).origin);
  });

  it("trusts the host a proxy forwarded", () => {
    expect(sameHostOrigin(headers({ origin: "https://lab.example.edu", host: "127.0.0.1:3000", "x-forwarded-host": "lab.example.edu" }))).toBe(
      "https://lab.example.edu",
    );
  });

  it.each<[Record<string, string>, string]>([
    [{ origin: "http://evil.example", host: "127.0.0.1:3000" }, "another site"],
    [{ origin: "http://127.0.0.1:3001", host: "127.0.0.1:3000" }, "another port"],
    [{ origin: "null", host: "127.0.0.1:3000" }, "an opaque origin"],
    [{ origin: "file:///tmp/x.html", host: "127.0.0.1:3000" }, "a file page"],
    [{ origin: "not a url", host: "127.0.0.1:3000" }, "garbage"],
    [{ host: "127.0.0.1:3000" }, "no Origin"],
    [{ origin: "http://127.0.0.1:3000" }, "no Host"],
  ])("refuses %j (%s)", (entries) => {
    expect(sameHostOrigin(headers(entries))).toBeNull();
  });
});

describe("secureCookiesFor", () => {
  it("marks cookies Secure only for an https site", () => {
    expect(secureCookiesFor("https://lab.example.edu")).toBe(true);
    expect(secureCookiesFor("http://192.168.1.20:3000")).toBe(false);
    expect(secureCookiesFor(undefined)).toBe(false);
  });
});

describe("crossSiteRefusal: state-changing API requests from other sites' pages", () => {
  const host = "127.0.0.1:3000";
  it("lets safe methods, same-site pages and non-browser clients through", () => {
    expect(crossSiteRefusal("GET", headers({ origin: "http://evil.example", host }))).toBeNull();
    expect(crossSiteRefusal("POST", headers({ origin: `http://${host}`, host }))).toBeNull();
    expect(crossSiteRefusal("POST", headers({ host }))).toBeNull();
    expect(crossSiteRefusal("POST", headers({ host, "sec-fetch-site": "same-origin" }))).toBeNull();
    expect(crossSiteRefusal("POST", headers({ origin: "https://lab.example.edu", host }), "https://lab.example.edu")).toBeNull();
  });

  it("refuses another site's page, whatever the content type or method", () => {
    expect(crossSiteRefusal("POST", headers({ origin: "https://evil.example", host, "content-type": "text/plain" }))).toMatch(/evil\.example/);
    expect(crossSiteRefusal("DELETE", headers({ origin: "https://evil.example", host }))).toMatch(/cross-site/);
    expect(crossSiteRefusal("POST", headers({ host, "sec-fetch-site": "cross-site" }))).toMatch(/Sec-Fetch-Site: cross-site/);
    expect(crossSiteRefusal("PUT", headers({ origin: "null", host }))).toMatch(/cross-site/);
  });
});

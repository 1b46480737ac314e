/**
 * Which browser origins may change state here: the auth endpoints when the
 * site's public origin (BETTER_AUTH_URL) is not configured, and every other
 * state-changing API route (crossSiteRefusal).
 *
 * better-auth otherwise derives the origin from the server's own bind address
 * (`http://0.0.0.0:3000` under `next start --hostname 0.0.0.0`), which no
 * browser ever uses, so every sign-up at localhost, 127.0.0.1 or a classroom
 * LAN address was refused with INVALID_ORIGIN.
 *
 * The rule is the one Next uses for Server Actions: a request is same-origin
 * when the host in its `Origin` header equals the host it was sent to
 * (`X-Forwarded-Host`, else `Host`). That keeps CSRF protection: a page on
 * another site can send its own Origin but cannot choose the Host (a custom
 * X-Forwarded-Host on a cross-site request needs a CORS preflight that this
 * server never grants).
 */
export function sameHostOrigin(headers: Headers): string | null {
  const origin = headers.get("origin");
  if (!origin || origin === "null") return null;
  let parsed: URL;
  try {
    parsed = new URL(origin);
  } catch {
    return null;
  }
  if (parsed.protocol !== "http:" && parsed.protocol !== "https:") return null;
  const requestHosts = [headers.get("x-forwarded-host")?.split(",")[0], headers.get("host")]
    .map((host) => host?.trim().toLowerCase())
    .filter((host): host is string => Boolean(host));
  return requestHosts.includes(parsed.host.toLowerCase()) ? parsed.origin : null;
}

/** Secure (`__Secure-`) cookies only when the site is served over https: browsers drop them over plain http on a LAN host. */
export function secureCookiesFor(publicUrl: string | undefined): boolean {
  return publicUrl?.startsWith("https://") ?? false;
}

const SAFE_METHODS = new Set(["GET", "HEAD", "OPTIONS"]);

/**
 * Why a state-changing request must be refused as cross-site, or null. SameSite=Lax
 * cookies alone still rode along on a `text/plain` POST from another site's page.
 * A browser names the page's origin on every such request; one that sends none
 * (curl, a class's scripts) carries no ambient cookies to abuse, so it passes
 * unless Sec-Fetch-Site says a browser sent it from elsewhere.
 */
export function crossSiteRefusal(method: string, headers: Headers, publicUrl?: string): string | null {
  if (SAFE_METHODS.has(method.toUpperCase())) return null;
  const origin = headers.get("origin");
  if (origin) {
    if (sameHostOrigin(headers)) return null;
    if (publicUrl && origin === new URL(publicUrl).origin) return null;
    return `cross-site request refused: a page at ${origin.slice(0, 200)} may not change anything here`;
  }
  const site = headers.get("sec-fetch-site");
  if (site && site !== "same-origin" && site !== "none") return `cross-site request refused (Sec-Fetch-Site: ${site.slice(0, 40)})`;
  return null;
}

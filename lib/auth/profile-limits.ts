/**
 * Limits on what a person types into their profile. better-auth stores any
 * length: a 100,000-character name came back as 35 Set-Cookie headers (the
 * session cookie cache holds the user), which clients refuse, and a 1 MB name
 * reached every instructor view and CSV.
 */
export const MAX_NAME_LENGTH = 100;
/** RFC 5321's limit on a forward path, less the angle brackets. */
export const MAX_EMAIL_LENGTH = 254;

/** The auth endpoints whose body may carry a name or an email. */
const PROFILE_PATHS = ["/sign-up/email", "/sign-in/email", "/update-user", "/change-email"];

export function carriesProfileFields(pathname: string): boolean {
  return PROFILE_PATHS.some((path) => pathname.endsWith(path));
}

/** What is wrong with a body's name or email fields, or null. Other fields are better-auth's to judge. */
export function profileFieldProblem(body: unknown): string | null {
  if (body === null || typeof body !== "object") return null;
  const { name, email, newEmail } = body as Record<string, unknown>;
  if (typeof name === "string" && name.length > MAX_NAME_LENGTH) return `name is ${name.length} characters; at most ${MAX_NAME_LENGTH}`;
  if (typeof name === "string" && /[\u0000-\u001f\u007f]/.test(name)) return "name contains control characters";
  for (const [field, value] of [["email", email], ["newEmail", newEmail]] as const) {
    if (typeof value === "string" && value.length > MAX_EMAIL_LENGTH) return `${field} is ${value.length} characters; at most ${MAX_EMAIL_LENGTH}`;
  }
  return null;
}

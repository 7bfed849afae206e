import type { Env } from "../env";

// Whether the portal's cookies (session, device, flash) carry `Secure`. A browser drops a Secure
// cookie that arrives over plain http from anywhere but localhost, so marking them Secure by
// NODE_ENV broke sign-in silently for a demo opened as http://<lan address>:3000. One rule,
// for every cookie: Secure when the portal's public address is https, or when this request
// itself reached us over TLS (directly, or as a proxy we were told to trust says).

export type CookieSecurityEnv = Pick<Env, "APP_URL" | "TRUSTED_PROTO_HEADER">;

/** The little of a request the decision reads: its protocol and one header. */
export type RequestTransport = {
  /** "http:" or "https:", as the server saw the connection. */
  protocol: string;
  header: (name: string) => string | null | undefined;
};

/** A Fetch API request (what loaders and actions get) as a RequestTransport. */
export function transportOf(request: Request): RequestTransport {
  return {
    protocol: new URL(request.url).protocol,
    header: (name) => request.headers.get(name),
  };
}

export function appUrlIsHttps(env: Pick<Env, "APP_URL">) {
  return new URL(env.APP_URL).protocol === "https:";
}

/**
 * Whether this request reached the portal over TLS: the connection itself, or the trusted proxy
 * header (e.g. x-forwarded-proto) saying "https". Only the last comma-separated value counts, the
 * one the nearest proxy wrote; anything before it could come from the client.
 */
export function arrivedOverTls(
  env: Pick<Env, "TRUSTED_PROTO_HEADER">,
  request: RequestTransport,
): boolean {
  if (request.protocol === "https:") return true;
  if (!env.TRUSTED_PROTO_HEADER) return false;
  const last = request.header(env.TRUSTED_PROTO_HEADER)?.split(",").at(-1)?.trim().toLowerCase();
  return last === "https";
}

/** The one decision every auth cookie follows (session, device, flash). */
export function secureCookies(env: CookieSecurityEnv, request: RequestTransport): boolean {
  return appUrlIsHttps(env) || arrivedOverTls(env, request);
}

/**
 * What the sign-in page says when a sign-in succeeded but the next request came back without the
 * session cookie: the browser refused it. When we marked it Secure and the page was opened over
 * plain http, that is the reason, and the fix is named.
 */
export function cookieRefusedMessage(env: CookieSecurityEnv, request: Request): string {
  const transport = transportOf(request);
  const opened = `${transport.protocol}//${request.headers.get("host") ?? new URL(request.url).host}`;
  const lead =
    "Your password was right, but your browser did not keep the sign-in cookie, so you are still signed out.";
  if (secureCookies(env, transport) && !arrivedOverTls(env, transport)) {
    return `${lead} The cookie is marked Secure because the portal's address (APP_URL) is ${env.APP_URL}, and this page was opened over plain http at ${opened}: browsers only keep Secure cookies over https. Open the portal at ${env.APP_URL}, or ask whoever runs it to set APP_URL to the address you use.`;
  }
  return `${lead} Allow cookies for ${opened} in your browser (a private window or a blocker may refuse them), then sign in again.`;
}

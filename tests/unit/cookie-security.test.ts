import { describe, expect, it } from "vitest";
import {
  arrivedOverTls,
  secureCookies,
  type RequestTransport,
} from "~/.server/auth/cookie-security";

function over(protocol: string, headers: Record<string, string> = {}): RequestTransport {
  return { protocol, header: (name) => headers[name.toLowerCase()] };
}

const httpDemo = { APP_URL: "http://localhost:3000", TRUSTED_PROTO_HEADER: undefined };

describe("secureCookies: the one decision for every auth cookie", () => {
  it("is off for an http APP_URL over plain http, whatever NODE_ENV", () => {
    expect(secureCookies(httpDemo, over("http:"))).toBe(false);
    expect(secureCookies({ ...httpDemo, APP_URL: "http://192.168.1.20:3000" }, over("http:"))).toBe(
      false,
    );
  });

  it("is on for every request when APP_URL is https", () => {
    const env = { APP_URL: "https://greenroom.example", TRUSTED_PROTO_HEADER: undefined };
    expect(secureCookies(env, over("http:"))).toBe(true);
    expect(secureCookies(env, over("https:"))).toBe(true);
  });

  it("is on when the connection itself is TLS", () => {
    expect(secureCookies(httpDemo, over("https:"))).toBe(true);
  });

  it("believes a proto header only when it is the trusted one, and only its last value", () => {
    const trusted = { ...httpDemo, TRUSTED_PROTO_HEADER: "X-Forwarded-Proto" };
    expect(secureCookies(trusted, over("http:", { "x-forwarded-proto": "https" }))).toBe(true);
    expect(secureCookies(trusted, over("http:", { "x-forwarded-proto": "HTTPS" }))).toBe(true);
    expect(secureCookies(trusted, over("http:", { "x-forwarded-proto": "http" }))).toBe(false);
    // The client wrote "https" and the proxy appended what it saw.
    expect(secureCookies(trusted, over("http:", { "x-forwarded-proto": "https, http" }))).toBe(
      false,
    );
    expect(secureCookies(trusted, over("http:"))).toBe(false);
    // Not configured: the header is the client's word.
    expect(secureCookies(httpDemo, over("http:", { "x-forwarded-proto": "https" }))).toBe(false);
  });

  it("tells TLS arrival apart from an https APP_URL", () => {
    const env = { TRUSTED_PROTO_HEADER: "x-forwarded-proto" };
    expect(arrivedOverTls(env, over("http:"))).toBe(false);
    expect(arrivedOverTls(env, over("http:", { "x-forwarded-proto": "https" }))).toBe(true);
  });
});

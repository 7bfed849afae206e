import { describe, expect, it } from "vitest";
import { clientIp, contentSecurityPolicy, isAllowedOrigin } from "../../server/app";
import { safeRedirect } from "~/.server/http";
import { can, permissions, roles } from "~/lib/permissions";
import { parseEnv } from "~/.server/env";
import { linksIn } from "~/.server/mail/outbox";
import { decodeCursor, encodeCursor } from "~/.server/audit/queries";

describe("the Origin check", () => {
  const allowed = ["http://localhost:3000"];
  it("lets safe methods through whatever the origin", () => {
    expect(isAllowedOrigin("GET", undefined, allowed)).toBe(true);
    expect(isAllowedOrigin("HEAD", "https://evil.example", allowed)).toBe(true);
  });
  it("refuses writes with a missing, null or foreign origin", () => {
    for (const method of ["POST", "PUT", "PATCH", "DELETE"]) {
      expect(isAllowedOrigin(method, undefined, allowed)).toBe(false);
      expect(isAllowedOrigin(method, "null", allowed)).toBe(false);
      expect(isAllowedOrigin(method, "https://evil.example", allowed)).toBe(false);
      expect(isAllowedOrigin(method, "http://localhost:3000.evil.example", allowed)).toBe(false);
      expect(isAllowedOrigin(method, "http://localhost:3000", allowed)).toBe(true);
    }
  });
});

describe("the content security policy", () => {
  it("is enforced with the nonce, forbids framing and plugins", () => {
    const csp = contentSecurityPolicy("abc123", false);
    expect(csp).toContain("script-src 'self' 'nonce-abc123' 'strict-dynamic'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).not.toContain("unsafe-eval");
    expect(csp).not.toMatch(/script-src[^;]*unsafe-inline/);
    expect(csp).not.toContain("ws:");
    expect(contentSecurityPolicy("x", true)).toContain("ws:");
  });
});

describe("safeRedirect", () => {
  it("keeps local paths and refuses other sites", () => {
    expect(safeRedirect("/admin/people?q=a")).toBe("/admin/people?q=a");
    expect(safeRedirect("//evil.example")).toBe("/");
    expect(safeRedirect("/\\evil.example")).toBe("/");
    expect(safeRedirect("https://evil.example")).toBe("/");
    expect(safeRedirect(null)).toBe("/");
  });
});

describe("the permission table", () => {
  it("gives admins everything but an artist's own studio and earnings, and keeps admin pages from other roles", () => {
    const artistsOwn = ["studio:use", "money:earn"];
    for (const permission of Object.keys(permissions) as (keyof typeof permissions)[]) {
      expect(can("admin", permission)).toBe(!artistsOwn.includes(permission));
    }
    // Reviewers never see money, either side of it.
    expect(can("reviewer", "money:earn")).toBe(false);
    expect(can("reviewer", "money:manage")).toBe(false);
    expect(can("artist", "money:manage")).toBe(false);
    // Generating spends an artist's quota: only artists have a studio.
    expect(can("artist", "studio:use")).toBe(true);
    expect(can("reviewer", "studio:use")).toBe(false);
    expect(can("reviewer", "people:manage")).toBe(false);
    expect(can("artist", "audit:read")).toBe(false);
    expect(can(null, "home:view")).toBe(false);
    expect(roles).toEqual(["artist", "reviewer", "admin"]);
  });
});

describe("the environment", () => {
  it("treats blank values as unset and fills defaults", () => {
    const env = parseEnv({
      DATABASE_URL: "",
      PORT: "4000",
      SESSION_SECRET: "s".repeat(40),
      DATA_DIR: "/tmp/greenroom-env-test",
    });
    expect(env.DATABASE_URL).toBeUndefined();
    expect(env.APP_URL).toBe("http://localhost:4000");
    expect(env.DATA_DIR).toBe("/tmp/greenroom-env-test");
  });
  it("explains what is wrong", () => {
    expect(() => parseEnv({ PORT: "not-a-port", SESSION_SECRET: "s".repeat(40) })).toThrow(/PORT/);
    expect(() => parseEnv({ SESSION_SECRET: "short" })).toThrow(/SESSION_SECRET/);
  });
});

describe("small helpers", () => {
  it("finds the links in an email", () => {
    expect(
      linksIn(
        '<a href="https://x.test/a?b=1&amp;c=2">x</a><a href="mailto:y">y</a><a href="https://x.test/a?b=1&amp;c=2">again</a>',
      ),
    ).toEqual(["https://x.test/a?b=1&c=2"]);
  });
  it("round-trips audit cursors and ignores garbage", () => {
    expect(decodeCursor(encodeCursor({ id: 42 }))).toBe(42);
    expect(decodeCursor("1 or 1=1")).toBeUndefined();
    expect(decodeCursor("garbage")).toBeUndefined();
    expect(decodeCursor(null)).toBeUndefined();
  });
});

describe("the client address", () => {
  const req = (header?: string) => ({
    get: (name: string) => (name.toLowerCase() === "x-forwarded-for" ? header : undefined),
    socket: { remoteAddress: "10.0.0.1" },
  });
  it("is the socket's address unless a trusted proxy header is configured", () => {
    expect(clientIp(req("1.2.3.4") as never, {})).toBe("10.0.0.1");
  });
  it("takes the entry the trusted proxy appended, not one the client could forge", () => {
    const env = { TRUSTED_PROXY_HEADER: "x-forwarded-for" };
    expect(clientIp(req("6.6.6.6, 198.51.100.9") as never, env)).toBe("198.51.100.9");
    expect(clientIp(req("198.51.100.9") as never, env)).toBe("198.51.100.9");
    expect(clientIp(req(undefined) as never, env)).toBe("10.0.0.1");
  });
});

import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import type { User } from "~db/schema";
import { useTestDatabase } from "../../support/db";
import { callRoute, createUser, makeRequest, sessionCookieFor } from "../../support/factories";
import { createFinishedClip } from "../../support/generation";

/**
 * Every route × every kind of visitor, walked in full. A route file without an entry here fails
 * the first test, so each new route must state who may open it.
 */
type Persona = "anonymous" | "artist" | "otherArtist" | "reviewer" | "admin" | "suspended";
const personas: Persona[] = [
  "anonymous",
  "artist",
  "otherArtist",
  "reviewer",
  "admin",
  "suspended",
];

/** ok: 200 · login: redirect to /login · home: redirect elsewhere · forbidden: 403 · notFound: 404 · gone: 410 · invalid: 4xx form error (allowed to try) · done: 3xx after a permitted write */
type Outcome = "ok" | "login" | "home" | "forbidden" | "notFound" | "gone" | "invalid" | "done";

type World = {
  artist: User;
  otherArtist: User;
  reviewer: User;
  admin: User;
  suspended: User;
  /** A finished clip of `artist`. */
  clipId: string;
};

type Entry = {
  path: (w: World) => string;
  params?: (w: World) => Record<string, string>;
  loader?: Record<Persona, Outcome>;
  action?: { form: (w: World) => Record<string, string>; expect: Record<Persona, Outcome> };
};

const signedIn = (outcome: Outcome, elseOutcome: Outcome = "login"): Record<Persona, Outcome> => ({
  anonymous: elseOutcome,
  artist: outcome,
  otherArtist: outcome,
  reviewer: outcome,
  admin: outcome,
  suspended: elseOutcome,
});
/** Artists only, and only their own: another artist is told it does not exist. */
const ownerOnly = (owner: Outcome): Record<Persona, Outcome> => ({
  anonymous: "login",
  artist: owner,
  otherArtist: "notFound",
  reviewer: "forbidden",
  admin: "forbidden",
  suspended: "login",
});
const adminOnly = (adminOutcome: Outcome): Record<Persona, Outcome> => ({
  anonymous: "login",
  artist: "forbidden",
  otherArtist: "forbidden",
  reviewer: "forbidden",
  admin: adminOutcome,
  suspended: "login",
});
const everyone = (outcome: Outcome): Record<Persona, Outcome> => ({
  anonymous: outcome,
  artist: outcome,
  otherArtist: outcome,
  reviewer: outcome,
  admin: outcome,
  suspended: outcome,
});

const matrix: Record<string, Entry> = {
  "_index.tsx": { path: () => "/", loader: signedIn("ok") },
  "$.tsx": {
    path: () => "/no/such/page",
    params: () => ({ "*": "no/such/page" }),
    loader: everyone("notFound"),
  },
  "healthz.ts": { path: () => "/healthz", loader: everyone("ok") },
  "login.tsx": {
    path: () => "/login",
    loader: { ...signedIn("home", "ok") },
    action: { form: () => ({ email: "", password: "" }), expect: everyone("invalid") },
  },
  "logout.tsx": {
    path: () => "/logout",
    loader: everyone("home"),
    action: { form: () => ({}), expect: everyone("login") },
  },
  "forgot-password.tsx": {
    path: () => "/forgot-password",
    loader: signedIn("home", "ok"),
    action: { form: () => ({ email: "" }), expect: everyone("invalid") },
  },
  "reset-password.$token.tsx": {
    path: () => "/reset-password/not-a-token",
    params: () => ({ token: "not-a-token" }),
    loader: everyone("gone"),
    action: {
      form: () => ({ password: "long enough pw", confirm: "long enough pw" }),
      expect: everyone("gone"),
    },
  },
  "invite.$token.tsx": {
    path: () => "/invite/not-a-token",
    params: () => ({ token: "not-a-token" }),
    loader: everyone("gone"),
    action: {
      form: () => ({ displayName: "X", password: "long enough pw", confirm: "long enough pw" }),
      expect: everyone("gone"),
    },
  },
  "admin.tsx": { path: () => "/admin", loader: adminOnly("ok") },
  "admin._index.tsx": { path: () => "/admin", loader: adminOnly("home") },
  "admin.people._index.tsx": { path: () => "/admin/people", loader: adminOnly("ok") },
  "admin.people.$userId.tsx": {
    path: (w) => `/admin/people/${w.artist.id}`,
    params: (w) => ({ userId: w.artist.id }),
    loader: adminOnly("ok"),
    action: { form: () => ({ intent: "suspend", reason: "" }), expect: adminOnly("invalid") },
  },
  "admin.invites.tsx": {
    path: () => "/admin/invites",
    loader: adminOnly("ok"),
    action: {
      form: () => ({ intent: "invite", email: "not an email", role: "artist" }),
      expect: adminOnly("invalid"),
    },
  },
  "admin.audit.tsx": { path: () => "/admin/audit", loader: adminOnly("ok") },
  "admin.outbox.tsx": { path: () => "/admin/outbox", loader: adminOnly("ok") },
  "studio._index.tsx": {
    path: () => "/studio",
    loader: { ...ownerOnly("ok"), otherArtist: "ok" },
    action: {
      form: () => ({ prompt: "", durationSeconds: "5", resolution: "480p" }),
      expect: { ...ownerOnly("invalid"), otherArtist: "invalid" },
    },
  },
  "studio.clips.$clipId.tsx": {
    path: (w) => `/studio/clips/${w.clipId}`,
    params: (w) => ({ clipId: w.clipId }),
    loader: ownerOnly("ok"),
    action: { form: () => ({ intent: "delete" }), expect: ownerOnly("home") },
  },
  // Media: the owner only for now; reviewers and admins will see submitted clips (review issue).
  "media.clips.$clipId.$kind.ts": {
    path: (w) => `/media/clips/${w.clipId}/video`,
    params: (w) => ({ clipId: w.clipId, kind: "video" }),
    loader: { ...ownerOnly("ok"), reviewer: "notFound", admin: "notFound" },
  },
};

type RouteModule = { loader?: unknown; action?: unknown };
const modules = import.meta.glob<RouteModule>("../../../app/routes/*.{ts,tsx}", { eager: true });
const byFile = Object.fromEntries(
  Object.entries(modules).map(([file, mod]) => [path.basename(file), mod]),
);

const t = useTestDatabase();

async function world(): Promise<World> {
  const [artist, otherArtist, reviewer, admin, suspended] = await Promise.all([
    createUser(t.db, { role: "artist" }),
    createUser(t.db, { role: "artist" }),
    createUser(t.db, { role: "reviewer" }),
    createUser(t.db, { role: "admin" }),
    createUser(t.db, { role: "artist" }),
  ]);
  const { clip } = await createFinishedClip(t.db, artist!);
  return {
    artist: artist!,
    otherArtist: otherArtist!,
    reviewer: reviewer!,
    admin: admin!,
    suspended: suspended!,
    clipId: clip.id,
  };
}

async function cookies(w: World): Promise<Record<Persona, string | undefined>> {
  const suspendedCookie = await sessionCookieFor(t.db, w.suspended);
  // Suspend the way the product does, so the cookie is one whose session was ended.
  const { suspendUser } = await import("~/.server/access/people");
  await suspendUser(t.db, { ...w.admin, ip: null, userAgent: null }, w.suspended.id, "matrix test");
  return {
    anonymous: undefined,
    artist: await sessionCookieFor(t.db, w.artist),
    otherArtist: await sessionCookieFor(t.db, w.otherArtist),
    reviewer: await sessionCookieFor(t.db, w.reviewer),
    admin: await sessionCookieFor(t.db, w.admin),
    suspended: suspendedCookie,
  };
}

function outcomeOf(res: { status: number; headers: Headers }): Outcome {
  if (res.status >= 300 && res.status < 400) {
    return (res.headers.get("location") ?? "").startsWith("/login") ? "login" : "home";
  }
  if (res.status === 200) return "ok";
  if (res.status === 403) return "forbidden";
  if (res.status === 404) return "notFound";
  if (res.status === 410) return "gone";
  if (res.status === 400 || res.status === 409 || res.status === 413 || res.status === 422)
    return "invalid";
  return `status ${res.status}` as Outcome;
}

describe("authorization matrix", () => {
  it("covers every route module under app/routes", () => {
    const files = readdirSync(path.resolve("app/routes")).filter((f) => /\.(ts|tsx)$/.test(f));
    const missing = files.filter((f) => !(f in matrix));
    expect(missing, `routes missing from the authorization matrix: ${missing.join(", ")}`).toEqual(
      [],
    );
    const stale = Object.keys(matrix).filter((f) => !files.includes(f));
    expect(stale, `matrix entries without a route: ${stale.join(", ")}`).toEqual([]);
    for (const [file, entry] of Object.entries(matrix)) {
      const mod = byFile[file]!;
      expect(Boolean(mod.loader), `${file}: loader presence`).toBe(Boolean(entry.loader));
      expect(Boolean(mod.action), `${file}: action presence`).toBe(Boolean(entry.action));
    }
  });

  it("gives every visitor the expected outcome on every route", async () => {
    const failures: string[] = [];
    for (const [file, entry] of Object.entries(matrix)) {
      const mod = byFile[file]!;
      for (const kind of ["loader", "action"] as const) {
        const expected = kind === "loader" ? entry.loader : entry.action?.expect;
        if (!expected) continue;
        for (const persona of personas) {
          // A fresh world per check: actions may change state (sign out, suspend…).
          const w = await world();
          const jar = await cookies(w);
          const request = makeRequest(entry.path(w), {
            cookie: jar[persona],
            form: kind === "action" ? entry.action!.form(w) : undefined,
          });
          const fn = mod[kind] as Parameters<typeof callRoute>[1];
          const res = await callRoute(t.db, fn, request, entry.params?.(w) ?? {});
          const actual = outcomeOf(res);
          if (actual !== expected[persona])
            failures.push(
              `${kind} ${file} as ${persona}: expected ${expected[persona]}, got ${actual}`,
            );
        }
      }
    }
    expect(failures).toEqual([]);
  }, 180_000);
});

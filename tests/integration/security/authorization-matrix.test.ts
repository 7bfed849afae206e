import { readdirSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { routeHeaders } from "~/.server/http";
import { useTestDatabase } from "../../support/db";
import { callRoute, makeRequest } from "../../support/factories";
import {
  cookies,
  isMoneyRoute,
  matrix,
  outcomeOf,
  personas,
  formOf,
  withMoney,
  world,
} from "../../support/route-matrix";

/**
 * Every route × every kind of visitor, walked in full (the table is tests/support/route-matrix.ts).
 * A route file without an entry there fails the first test, so each new route must state who may
 * open it. One test per route entry and kind: a busy machine makes the suite slower, never red.
 */
type RouteModule = { loader?: unknown; action?: unknown; headers?: unknown; default?: unknown };
const modules = import.meta.glob<RouteModule>("../../../app/routes/*/route.{ts,tsx}", {
  eager: true,
});
/** Route modules by their folder's name under app/routes (the route's id). */
const byFile = Object.fromEntries(
  Object.entries(modules).map(([file, mod]) => [path.basename(path.dirname(file)), mod]),
);

const t = useTestDatabase();

describe("authorization matrix", () => {
  it("covers every route module under app/routes", () => {
    const files = readdirSync(path.resolve("app/routes"), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .map((entry) => entry.name);
    const missing = files.filter((f) => !(f in matrix));
    expect(missing, `routes missing from the authorization matrix: ${missing.join(", ")}`).toEqual(
      [],
    );
    const stale = Object.keys(matrix).filter((f) => !files.includes(f));
    expect(stale, `matrix entries without a route: ${stale.join(", ")}`).toEqual([]);
    for (const [file, entry] of Object.entries(matrix)) {
      const mod = byFile[file]!;
      const entries = [entry].flat();
      // Each export is covered by some entry, and no entry checks an export that is not there.
      expect(Boolean(mod.loader), `${file}: loader presence`).toBe(entries.some((e) => e.loader));
      expect(Boolean(mod.action), `${file}: action presence`).toBe(entries.some((e) => e.action));
    }
  });

  // Remix keeps only Set-Cookie from a loader's or action's own headers unless the route passes
  // the rest on: every page does, so a 429's Retry-After reaches the browser.
  it.each(Object.keys(byFile).filter((file) => byFile[file]!.default))(
    "%s passes its answer's headers on (export const headers = routeHeaders)",
    (file) => {
      expect(byFile[file]!.headers).toBe(routeHeaders);
    },
  );

  const checks = Object.entries(matrix).flatMap(([file, entries]) =>
    [entries]
      .flat()
      .flatMap((entry, index) =>
        (["loader", "action"] as const)
          .filter((kind) => (kind === "loader" ? entry.loader : entry.action))
          .map((kind) => ({ name: `${kind} ${file}#${index}`, file, entry, kind })),
      ),
  );

  it.each(checks)(
    "$name gives every visitor the expected outcome",
    async ({ file, entry, kind }) => {
      const mod = byFile[file]!;
      const expected = kind === "loader" ? entry.loader! : entry.action!.expect;
      const failures: string[] = [];
      for (const persona of personas) {
        // A fresh world per visitor: actions may change state (sign out, suspend…).
        const w = isMoneyRoute(file) ? await withMoney(t.db, await world(t.db)) : await world(t.db);
        const jar = await cookies(t.db, w);
        const request = makeRequest(entry.path(w), {
          cookie: jar[persona],
          form: kind === "action" ? formOf(entry.action!, w) : undefined,
        });
        const fn = mod[kind] as Parameters<typeof callRoute>[1];
        const res = await callRoute(t.db, fn, request, entry.params?.(w) ?? {});
        const actual = outcomeOf(res);
        if (actual !== expected[persona])
          failures.push(`as ${persona}: expected ${expected[persona]}, got ${actual}`);
      }
      expect(failures).toEqual([]);
    },
  );
});

import { sql } from "drizzle-orm";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { selectRows, type Db } from "~/.server/db";
import { UNSTORABLE_MESSAGE } from "~/.server/http";
import { useTestDatabase } from "../../support/db";
import { callRoute, makeRequest } from "../../support/factories";
import {
  cookies,
  isMoneyRoute,
  matrix,
  personas,
  withMoney,
  world,
  type Entry,
  type Persona,
} from "../../support/route-matrix";

/**
 * What a form route does with input no field may hold, for every form the authorization matrix
 * knows: NUL in any field is a 400 with the message next to that field and nothing written; a
 * body that is not a form is a 415. Each answer is a person's mistake, never a 500.
 */
type RouteModule = { action?: unknown };
const modules = import.meta.glob<RouteModule>("../../../app/routes/*/route.{ts,tsx}", {
  eager: true,
});
/** Route modules by their folder's name under app/routes (the route's id). */
const byFile = Object.fromEntries(
  Object.entries(modules).map(([file, mod]) => [path.basename(path.dirname(file)), mod]),
);

const t = useTestDatabase();

/** The first visitor the route lets act (or tell what is missing): the sweep acts as them. */
function actingPersona(entry: Entry): Persona | null {
  const expected = entry.action!.expect;
  return personas.find((p) => !["login", "forbidden", "notFound"].includes(expected[p])) ?? null;
}

/**
 * How many rows each table holds, in one round trip. Throttle counters are left out: counting
 * every attempt, refused or not, is their purpose (docs/decisions/0017).
 */
async function tableCounts(db: Db) {
  const tables = await selectRows<{ tablename: string }>(
    db,
    sql`SELECT tablename FROM pg_tables
        WHERE schemaname = 'public' AND tablename <> 'rate_limit_counters' ORDER BY tablename`,
  );
  const counts = tables.map(
    (r) => `(SELECT count(*)::int FROM "${r.tablename}") AS "${r.tablename}"`,
  );
  const [row] = await selectRows<Record<string, number>>(
    db,
    sql.raw(`SELECT ${counts.join(", ")}`),
  );
  return row!;
}

// logout signs out whatever it is sent: it reads no form. Webhooks read a signed JSON body.
const READS_NO_FORM = new Set(["logout", "webhooks.replicate", "webhooks.fal"]);

/** A stand-in world for learning a form's field names (every property is another stand-in). */
const anyWorld: unknown = new Proxy(() => "x", {
  get: (_target, key) => (key === Symbol.toPrimitive ? () => "x" : anyWorld),
});

const forms = Object.entries(matrix).flatMap(([file, entries]) =>
  [entries]
    .flat()
    // Entries nobody may act on (an unknown id) have nothing to sweep: the guard answers first.
    .filter((entry) => entry.action && !READS_NO_FORM.has(file) && actingPersona(entry))
    .map((entry, index) => ({ file, index, entry })),
);

async function setUp(file: string, entry: Entry) {
  const w = isMoneyRoute(file) ? await withMoney(t.db, await world(t.db)) : await world(t.db);
  const persona = actingPersona(entry)!;
  const jar = await cookies(t.db, w);
  return { w, persona, cookie: jar[persona] };
}

describe("a NUL byte in any field", () => {
  const cases = forms.flatMap(({ file, index, entry }) => {
    // Every field the matrix's form sends, and one more it does not expect.
    const fields = [...Object.keys(entry.action!.form(anyWorld as never)), "probe"];
    return fields.map((field) => ({ name: `${file}#${index} ${field}`, file, entry, field }));
  });

  it.each(cases)(
    "$name: 400 next to the field, nothing written",
    async ({ file, entry, field }) => {
      const { w, cookie } = await setUp(file, entry);
      const fields = { ...entry.action!.form(w) };
      fields[field] = `${fields[field] ?? "x"}\u0000`;
      // Sent as multipart, which every form route reads (a file upload reads only that).
      const form = new FormData();
      for (const [name, value] of Object.entries(fields)) form.append(name, value);
      const before = await tableCounts(t.db);
      const fn = byFile[file]!.action as Parameters<typeof callRoute>[1];
      const res = await callRoute(
        t.db,
        fn,
        makeRequest(entry.path(w), { cookie, form }),
        entry.params?.(w) ?? {},
      );
      expect(res.status).toBe(400);
      expect((res.body as { errors: Record<string, string> }).errors[field]).toBe(
        UNSTORABLE_MESSAGE,
      );
      expect(await tableCounts(t.db)).toEqual(before);
    },
  );
});

describe("a body that is not a form", () => {
  const cases = forms.flatMap(({ file, index, entry }) =>
    [
      { type: "application/json", body: JSON.stringify({ intent: "x" }) },
      { type: "text/plain", body: "intent=x" },
    ].map((kind) => ({ name: `${file}#${index} ${kind.type}`, file, entry, ...kind })),
  );

  it.each(cases)("$name: 415 with a plain message", async ({ file, entry, type, body }) => {
    const { w, cookie } = await setUp(file, entry);
    const before = await tableCounts(t.db);
    const request = makeRequest(entry.path(w), { cookie, method: "POST" });
    const sent = new Request(request.url, {
      method: "POST",
      headers: { ...Object.fromEntries(request.headers), "content-type": type },
      body,
    });
    const fn = byFile[file]!.action as Parameters<typeof callRoute>[1];
    const res = await callRoute(t.db, fn, sent, entry.params?.(w) ?? {});
    expect(res.status).toBe(415);
    expect((res.body as { errors: Record<string, string> }).errors.form).toMatch(/takes a form/);
    expect(await tableCounts(t.db)).toEqual(before);
  });
});

import { asc, eq } from "drizzle-orm";
import type { Logger } from "pino";
import { describe, expect, it } from "vitest";
import {
  createActivityRecorder,
  hourOf,
  normaliseAddress,
  pruneActivity,
  recordActivity,
} from "~/.server/oversight/activity";
import { accountActivity } from "~db/schema";
import { action as loginAction } from "~/routes/login/route";
import { useTestDatabase } from "../../support/db";
import { callRoute, createUser, makeRequest, TEST_PASSWORD } from "../../support/factories";

const t = useTestDatabase();
const MIN = 60_000;

function capturingLogger() {
  const errors: string[] = [];
  const logger = { error: (_obj: unknown, message: string) => errors.push(message) };
  return { errors, logger: logger as unknown as Pick<Logger, "error"> };
}

async function rowsOf(userId: string) {
  return t.db
    .select()
    .from(accountActivity)
    .where(eq(accountActivity.userId, userId))
    .orderBy(asc(accountActivity.hour), asc(accountActivity.ip));
}

describe("the request recorder", () => {
  it("writes a new address at once, then at most once a minute, carrying the requests it held back", async () => {
    const user = await createUser(t.db);
    const start = new Date("2026-11-03T10:20:00Z");
    let clock = start;
    const { logger, errors } = capturingLogger();
    const recorder = createActivityRecorder(t.db, logger, { clock: () => clock });
    const request = (ip: string, agent = "Mozilla/5.0 Firefox/132") =>
      recorder.recordRequest({ userId: user.id, ip, userAgent: agent });

    await request("198.51.100.1");
    for (let s = 10; s <= 40; s += 10) {
      clock = new Date(start.getTime() + s * 1000);
      await request("198.51.100.1");
    }
    // Held back: still one request in the table.
    expect((await rowsOf(user.id)).map((r) => r.requests)).toEqual([1]);
    // A second address is news: written at once, even within the minute.
    clock = new Date(start.getTime() + 45_000);
    await request("::ffff:198.51.100.2");
    // A minute after the first write, the next request brings the four held back.
    clock = new Date(start.getTime() + MIN + 1000);
    await request("198.51.100.1");
    let rows = await rowsOf(user.id);
    expect(rows.map((r) => [r.ip, r.requests])).toEqual([
      ["198.51.100.1", 6],
      ["198.51.100.2", 1],
    ]);
    expect(rows[0]!.lastSeenAt.getTime()).toBe(clock.getTime());
    expect(rows[0]!.hour.getTime()).toBe(new Date("2026-11-03T10:00:00Z").getTime());

    // A new hour is a new row, written at once; a long user agent is cut to 256 characters.
    clock = new Date("2026-11-03T11:00:05Z");
    await request("198.51.100.1", "x".repeat(1000));
    rows = await rowsOf(user.id);
    expect(rows).toHaveLength(3);
    expect(rows[2]).toMatchObject({ requests: 1, signIns: 0 });
    expect(rows[2]!.userAgent).toHaveLength(256);
    expect(errors).toEqual([]);
  });

  it("never throws: a failed write is logged and tried again on the next request", async () => {
    const { logger, errors } = capturingLogger();
    const recorder = createActivityRecorder(t.db, logger);
    // No such account: the foreign key refuses the row.
    const ghost = {
      userId: "00000000-0000-0000-0000-000000000000",
      ip: "192.0.2.1",
      userAgent: "x",
    };
    await expect(recorder.recordRequest(ghost)).resolves.toBeUndefined();
    await expect(recorder.recordRequest(ghost)).resolves.toBeUndefined();
    expect(errors).toEqual([
      "recording account activity failed",
      "recording account activity failed",
    ]);
  });

  it("counts two writers of the same row together, and keeps the later time", async () => {
    const user = await createUser(t.db);
    const at = new Date("2026-11-03T10:30:00Z");
    await Promise.all([
      recordActivity(t.db, {
        userId: user.id,
        ip: "192.0.2.9",
        userAgent: "A",
        now: at,
        requests: 3,
      }),
      recordActivity(t.db, {
        userId: user.id,
        ip: "192.0.2.9",
        userAgent: "A",
        now: new Date(at.getTime() - MIN),
        requests: 2,
      }),
    ]);
    const [row] = await rowsOf(user.id);
    expect(row).toMatchObject({ requests: 5 });
    expect(row!.lastSeenAt.getTime()).toBe(at.getTime());
  });

  it("forgets activity older than asked", async () => {
    const user = await createUser(t.db);
    const now = new Date();
    await recordActivity(t.db, {
      userId: user.id,
      ip: "192.0.2.1",
      userAgent: "A",
      now,
      requests: 1,
    });
    await recordActivity(t.db, {
      userId: user.id,
      ip: "192.0.2.1",
      userAgent: "A",
      now: new Date(now.getTime() - 100 * 24 * 3600_000),
      requests: 1,
    });
    await pruneActivity(t.db, new Date(now.getTime() - 90 * 24 * 3600_000));
    expect(await rowsOf(user.id)).toHaveLength(1);
  });
});

describe("sign-ins", () => {
  it("a successful sign-in counts for the address and browser it came from; a failed one does not", async () => {
    const user = await createUser(t.db);
    const form = (password: string) => ({ email: user.email, password });
    const wrong = await callRoute(
      t.db,
      loginAction,
      makeRequest("/login", { form: form("not the password") }),
      {},
      { ip: "198.51.100.77" },
    );
    expect(wrong.status).toBe(400);
    expect(await rowsOf(user.id)).toEqual([]);
    for (const ip of ["198.51.100.77", "198.51.100.77", "::ffff:198.51.100.78"]) {
      const res = await callRoute(
        t.db,
        loginAction,
        makeRequest("/login", { form: form(TEST_PASSWORD) }),
        {},
        { ip },
      );
      expect(res.status).toBe(302);
    }
    const rows = await rowsOf(user.id);
    expect(rows.map((r) => [r.ip, r.userAgent, r.signIns, r.requests])).toEqual([
      ["198.51.100.77", "vitest", 2, 0],
      ["198.51.100.78", "vitest", 1, 0],
    ]);
    expect(rows[0]!.hour.getTime()).toBe(hourOf(rows[0]!.lastSeenAt).getTime());
  });
});

describe("addresses", () => {
  it("are one string per client", () => {
    expect(normaliseAddress("::ffff:192.0.2.1")).toBe("192.0.2.1");
    expect(normaliseAddress(" 2001:DB8::1 ")).toBe("2001:db8::1");
    expect(normaliseAddress(null)).toBe("unknown");
    expect(normaliseAddress("")).toBe("unknown");
  });
});

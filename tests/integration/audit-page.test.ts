import { describe, expect, it } from "vitest";
import { recordAudit } from "~/.server/audit/audit-log";
import { loader as auditCsvLoader } from "~/routes/admin.audit[.csv]/route";
import { loader as auditLoader } from "~/routes/admin.audit/route";
import { useTestDatabase } from "../support/db";
import { callRoute, createUser, makeRequest, sessionCookieFor } from "../support/factories";

const t = useTestDatabase();

type Entry = {
  id: number;
  action: string;
  actorLabel: string;
  subjectId: string | null;
  subjectName: string | null;
};
type Body = { entries: Entry[]; nextCursor: string | null; errors: Record<string, string> };

// The audit log as an admin reads it: names rather than ids, "System" for what nobody signed in
// did, filters by person and by subject name or short id, a CSV of the filtered range in UTC, and
// filters too long to mean anything refused next to their field.
describe("the audit log's names, filters and export", () => {
  async function world() {
    const admin = await createUser(t.db, { role: "admin", displayName: "Ada Admin" });
    const artist = await createUser(t.db, { role: "artist", displayName: "Mira Okafor" });
    const other = await createUser(t.db, { role: "artist", displayName: "Jonas Berg" });
    await recordAudit(
      t.db,
      { userId: admin.id, ip: "10.0.0.1" },
      {
        action: "user.suspend",
        subjectType: "user",
        subjectId: artist.id,
        data: { reason: "Shared the login", sessionsEnded: 2 },
      },
    );
    await recordAudit(
      t.db,
      { userId: null },
      {
        action: "anomaly.scan",
        subjectType: "user",
        subjectId: other.id,
        data: { flagged: true },
      },
    );
    await recordAudit(
      t.db,
      { userId: admin.id },
      {
        action: "user.reactivate",
        subjectType: "user",
        subjectId: other.id,
      },
    );
    const cookie = await sessionCookieFor(t.db, admin);
    const get = async (url: string) => {
      const res = await callRoute(t.db, auditLoader, makeRequest(url, { cookie }));
      return { status: res.status, body: res.body as Body };
    };
    return { admin, artist, other, cookie, get };
  }

  it("names the actor and the subject, and labels system actions", async () => {
    const { artist, get } = await world();
    const { body } = await get("/admin/audit");
    const suspend = body.entries.find((e) => e.action === "user.suspend")!;
    expect(suspend.actorLabel).toBe("Ada Admin");
    expect(suspend.subjectName).toBe("Mira Okafor");
    expect(suspend.subjectId).toBe(artist.id);
    expect(body.entries.find((e) => e.action === "anomaly.scan")!.actorLabel).toBe("System");
  });

  it("filters by person, by System, by subject name and by a short id", async () => {
    const { other, get } = await world();
    const byAda = (await get("/admin/audit?actor=ada")).body.entries.map((e) => e.action);
    expect(byAda.sort()).toEqual(["user.reactivate", "user.suspend"]);
    const bySystem = (await get("/admin/audit?actor=System")).body.entries.map((e) => e.action);
    expect(bySystem).toEqual(["anomaly.scan"]);
    const aboutJonas = (await get("/admin/audit?subject=jonas")).body.entries.map((e) => e.action);
    expect(aboutJonas.sort()).toEqual(["anomaly.scan", "user.reactivate"]);
    const short = other.id.slice(0, 8);
    const byShortId = (await get(`/admin/audit?subject=${short}`)).body.entries;
    expect(byShortId.map((e) => e.subjectId)).toEqual([other.id, other.id]);
  });

  it("refuses a 5,000-character filter with a 400 and a message next to the field", async () => {
    const { get } = await world();
    const long = "x".repeat(5000);
    for (const field of ["actor", "subject", "action"]) {
      const { status, body } = await get(`/admin/audit?${field}=${long}`);
      expect(status).toBe(400);
      expect(body.errors[field]).toMatch(/under \d+ characters/);
      expect(body.entries).toEqual([]);
    }
    const backwards = await get("/admin/audit?from=2026-11-20&to=2026-11-01");
    expect(backwards.status).toBe(400);
    expect(backwards.body.errors.to).toBe("The range ends before it starts.");
  });

  it("exports the filtered range as CSV with UTC times, and sends a refused filter back to the page", async () => {
    const { cookie } = await world();
    const today = new Date().toISOString().slice(0, 10);
    const res = await callRoute(
      t.db,
      auditCsvLoader,
      makeRequest(`/admin/audit.csv?actor=ada&from=${today}&to=${today}`, { cookie }),
    );
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toMatch(/text\/csv/);
    const lines = String(res.body).trim().split("\r\n");
    expect(lines[0]).toBe(
      "id,time_utc,actor,actor_email,action,subject_type,subject_id,subject_name,details_json,ip",
    );
    expect(lines).toHaveLength(3);
    expect(lines[1]).toMatch(/^\d+,\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z,Ada Admin,/);
    expect(lines.some((l) => l.includes("Mira Okafor"))).toBe(true);

    const refused = await callRoute(
      t.db,
      auditCsvLoader,
      makeRequest(`/admin/audit.csv?subject=${"y".repeat(5000)}`, { cookie }),
    );
    expect(refused.status).toBe(302);
    expect(refused.headers.get("location")).toMatch(/^\/admin\/audit\?subject=y+/);
  });

  it("is for admins only, the export too", async () => {
    const artist = await createUser(t.db, { role: "artist" });
    const cookie = await sessionCookieFor(t.db, artist);
    const res = await callRoute(t.db, auditCsvLoader, makeRequest("/admin/audit.csv", { cookie }));
    expect(res.status).toBe(403);
  });
});

import { describe, expect, it } from "vitest";
import { recordAudit } from "~/.server/audit/audit-log";
import { createMailer } from "~/.server/mail/mailer";
import { deliverEmails, queueEmail } from "~/.server/mail/send";
import { loader as auditLoader } from "~/routes/admin.audit/route";
import { loader as outboxLoader } from "~/routes/admin.outbox/route";
import { useTestDatabase } from "../support/db";
import { callRoute, createUser, makeRequest, sessionCookieFor } from "../support/factories";

const t = useTestDatabase();

type AuditBody = {
  entries: { id: number; action: string; actorEmail: string | null }[];
  nextCursor: string | null;
};

describe("the audit log page", () => {
  it("filters by action prefix and actor, and pages by keyset without gaps or repeats", async () => {
    const admin = await createUser(t.db, { role: "admin", email: "ada@example.test" });
    const other = await createUser(t.db, { role: "admin", email: "otto@example.test" });
    for (let i = 0; i < 120; i++) {
      await recordAudit(
        t.db,
        { userId: i % 2 ? admin.id : other.id, ip: "127.0.0.1" },
        {
          action: i % 3 ? "user.updated" : "invite.created",
          subjectType: "user",
          subjectId: String(i),
        },
      );
    }
    const cookie = await sessionCookieFor(t.db, admin);
    const seen: number[] = [];
    let url = "/admin/audit";
    for (;;) {
      const res = await callRoute(t.db, auditLoader, makeRequest(url, { cookie }));
      const body = res.body as AuditBody;
      seen.push(...body.entries.map((e) => e.id));
      if (!body.nextCursor) break;
      url = `/admin/audit?before=${encodeURIComponent(body.nextCursor)}`;
    }
    expect(seen).toHaveLength(120);
    expect(new Set(seen).size).toBe(120);
    expect([...seen].sort((a, b) => b - a)).toEqual(seen);

    const invites = (
      await callRoute(t.db, auditLoader, makeRequest("/admin/audit?action=invite.", { cookie }))
    ).body as AuditBody;
    // 40 match: a full first page of 25, and the rest behind the cursor.
    expect(invites.entries).toHaveLength(25);
    expect(invites.nextCursor).not.toBeNull();
    expect(invites.entries.every((e) => e.action === "invite.created")).toBe(true);
    const rest = (
      await callRoute(
        t.db,
        auditLoader,
        makeRequest(
          `/admin/audit?action=invite.&before=${encodeURIComponent(invites.nextCursor!)}`,
          {
            cookie,
          },
        ),
      )
    ).body as AuditBody;
    expect(rest.entries).toHaveLength(15);
    expect(rest.entries.every((e) => e.action === "invite.created")).toBe(true);
    const byOtto = (
      await callRoute(t.db, auditLoader, makeRequest("/admin/audit?actor=otto", { cookie }))
    ).body as AuditBody;
    expect(byOtto.entries.every((e) => e.actorEmail === "otto@example.test")).toBe(true);
    const odd = await callRoute(
      t.db,
      auditLoader,
      makeRequest("/admin/audit?before=nonsense&days=9999", { cookie }),
    );
    expect(odd.status).toBe(200);
  });
});

describe("the outbox page", () => {
  it("shows each message with its links and filters by status", async () => {
    const admin = await createUser(t.db, { role: "admin" });
    // Invites: an admin made them, so their links are shown (reset links never are: ADR 0016).
    const invite = (inviteUrl: string) => ({
      inviteUrl,
      invitedByName: "Ada",
      role: "artist" as const,
      expiresAt: "Tue Dec 08 2026",
    });
    const id = await queueEmail(t.db, {
      to: "ari@example.test",
      template: "invite",
      props: invite("http://localhost:3000/invite/tok"),
    });
    await queueEmail(t.db, {
      to: "bea@example.test",
      template: "invite",
      props: invite("http://localhost:3000/invite/tok2"),
    });
    await deliverEmails(t.db, createMailer({ EMAIL_FROM: "x@example.test" }), [id]);
    const cookie = await sessionCookieFor(t.db, admin);
    const all = (await callRoute(t.db, outboxLoader, makeRequest("/admin/outbox", { cookie })))
      .body as {
      messages: { recipient: string; links: string[]; status: string }[];
      total: number;
    };
    expect(all.total).toBe(2);
    expect(all.messages.find((m) => m.recipient === "ari@example.test")!.links).toEqual([
      "http://localhost:3000/invite/tok",
    ]);
    const queued = (
      await callRoute(t.db, outboxLoader, makeRequest("/admin/outbox?status=queued", { cookie }))
    ).body as { messages: { recipient: string }[] };
    expect(queued.messages.map((m) => m.recipient)).toEqual(["bea@example.test"]);
  });
});

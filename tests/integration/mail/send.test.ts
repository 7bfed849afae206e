import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailOutbox } from "~db/schema";
import { createMailer } from "~/.server/mail/mailer";
import { deliverEmails, MAX_ATTEMPTS, queueEmail, renderEmail } from "~/.server/mail/send";
import { useTestDatabase } from "../../support/db";
import { startFakeResend } from "../../support/fake-resend";

const t = useTestDatabase();
let resend: Awaited<ReturnType<typeof startFakeResend>>;

beforeAll(async () => {
  resend = await startFakeResend();
});
afterAll(() => resend.close());

const resendMailer = () =>
  createMailer({
    RESEND_API_KEY: resend.apiKey,
    RESEND_BASE_URL: resend.url,
    EMAIL_FROM: "Greenroom <no-reply@greenroom.test>",
  });
const outboxMailer = createMailer({ EMAIL_FROM: "Greenroom <no-reply@greenroom.test>" });

const props = { resetUrl: "http://localhost:3000/reset-password/abc", displayName: "Ari" };

describe("email", () => {
  it("renders a template to HTML and text", async () => {
    const { subject, html, text } = await renderEmail("password-reset", props);
    expect(subject).toBe("Reset your Greenroom password");
    expect(html).toContain('href="http://localhost:3000/reset-password/abc"');
    expect(text).toContain("http://localhost:3000/reset-password/abc");
    expect(text).not.toContain("<");
  });

  it("sends through Resend with the outbox id as idempotency key and records the provider id", async () => {
    resend.requests.length = 0;
    const id = await queueEmail(t.db, {
      to: "ari@example.test",
      template: "password-reset",
      props,
    });
    expect(await deliverEmails(t.db, resendMailer(), [id])).toEqual({ sent: 1, failed: 0 });
    expect(resend.requests).toHaveLength(1);
    const request = resend.requests[0]!;
    expect(request.headers["idempotency-key"]).toBe(`outbox-${id}`);
    expect(request.headers.authorization).toBe(`Bearer ${resend.apiKey}`);
    expect(request.body).toMatchObject({
      to: "ari@example.test",
      subject: "Reset your Greenroom password",
      from: "Greenroom <no-reply@greenroom.test>",
    });
    expect(request.body.text).toContain("reset-password/abc");
    const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
    expect(row).toMatchObject({ status: "sent", provider: "resend", attempts: 1, error: null });
    expect(row!.providerMessageId).toMatch(/^fake-/);
  });

  it("retries a failed send later with backoff, then succeeds exactly once", async () => {
    resend.requests.length = 0;
    resend.failNextRequests(1);
    const id = await queueEmail(t.db, {
      to: "retry@example.test",
      template: "password-reset",
      props,
    });
    expect(await deliverEmails(t.db, resendMailer(), [id])).toEqual({ sent: 0, failed: 1 });
    let [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
    expect(row).toMatchObject({ status: "queued", attempts: 1 });
    expect(row!.error).toMatch(/application_error/);
    expect(row!.nextAttemptAt.getTime()).toBeGreaterThan(Date.now() + 20_000);

    // Not due yet: nothing happens.
    expect(await deliverEmails(t.db, resendMailer())).toEqual({ sent: 0, failed: 0 });
    await t.db.update(emailOutbox).set({ nextAttemptAt: sql`now() - interval '1 second'` });
    expect(await deliverEmails(t.db, resendMailer())).toEqual({ sent: 1, failed: 0 });
    [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
    expect(row).toMatchObject({ status: "sent", attempts: 2, error: null });
    expect(resend.requests).toHaveLength(2);
    expect(await deliverEmails(t.db, resendMailer())).toEqual({ sent: 0, failed: 0 });
  });

  it("gives up after the last attempt and marks the message failed", async () => {
    resend.failNextRequests(100);
    const id = await queueEmail(t.db, {
      to: "doomed@example.test",
      template: "password-reset",
      props,
    });
    for (let i = 0; i < MAX_ATTEMPTS; i++) {
      await t.db.update(emailOutbox).set({ nextAttemptAt: sql`now() - interval '1 second'` });
      await deliverEmails(t.db, resendMailer());
    }
    const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
    expect(row).toMatchObject({ status: "failed", attempts: MAX_ATTEMPTS });
    resend.failNextRequests(0);
  });

  it("two workers delivering at once send each message once", async () => {
    resend.requests.length = 0;
    const ids = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        queueEmail(t.db, { to: `bulk${i}@example.test`, template: "password-reset", props }),
      ),
    );
    const [a, b] = await Promise.all([
      deliverEmails(t.db, resendMailer()),
      deliverEmails(t.db, resendMailer()),
    ]);
    expect(a.sent + b.sent).toBe(6);
    expect(new Set(resend.requests.map((r) => r.headers["idempotency-key"])).size).toBe(6);
    expect(resend.requests).toHaveLength(6);
    expect(ids).toHaveLength(6);
  });

  it("without a key the outbox is the destination", async () => {
    const id = await queueEmail(t.db, {
      to: "offline@example.test",
      template: "password-reset",
      props,
    });
    await deliverEmails(t.db, outboxMailer, [id]);
    const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
    expect(row).toMatchObject({ status: "sent", provider: "outbox", providerMessageId: null });
  });

  it("a rolled-back transaction leaves no email behind", async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await queueEmail(tx, { to: "ghost@example.test", template: "password-reset", props });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(
      await t.db.select().from(emailOutbox).where(eq(emailOutbox.recipient, "ghost@example.test")),
    ).toHaveLength(0);
  });
});

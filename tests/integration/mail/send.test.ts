import { eq, sql } from "drizzle-orm";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { emailOutbox } from "~db/schema";
import { createMailer } from "~/.server/mail/mailer";
import { listOutbox } from "~/.server/mail/outbox";
import {
  deliverEmails,
  MAX_ATTEMPTS,
  queueEmail,
  queueSecretEmail,
  renderEmail,
} from "~/.server/mail/send";
import { createUser, acting } from "../../support/factories";
import { useTestDatabase } from "../../support/db";
import { startFakeResend } from "../../support/fake-resend";

const t = useTestDatabase();
let resend: Awaited<ReturnType<typeof startFakeResend>>;

beforeAll(async () => {
  resend = await startFakeResend();
});
afterAll(() => resend.close());

const SESSION_SECRET = "test-secret-test-secret-test-secret-0123";
const resendMailer = () =>
  createMailer({
    RESEND_API_KEY: resend.apiKey,
    RESEND_BASE_URL: resend.url,
    EMAIL_FROM: "Greenroom <no-reply@greenroom.test>",
    SESSION_SECRET,
  });
const outboxMailer = createMailer({ EMAIL_FROM: "Greenroom <no-reply@greenroom.test>" });

// An invite: a message with nothing secret in it (admins may read invite links in the outbox).
const props = {
  inviteUrl: "http://localhost:3000/invite/abc",
  invitedByName: "Ada",
  role: "artist" as const,
  expiresAt: "Tue Dec 08 2026",
};
const resetProps = { resetUrl: "http://localhost:3000/reset-password/abc", displayName: "Ari" };

describe("email", () => {
  it("renders a template to HTML and text", async () => {
    const { subject, html, text } = await renderEmail("password-reset", resetProps);
    expect(subject).toBe("Reset your Greenroom password");
    expect(html).toContain('href="http://localhost:3000/reset-password/abc"');
    expect(text).toContain("http://localhost:3000/reset-password/abc");
    expect(text).not.toContain("<");
  });

  it("sends through Resend with the outbox id as idempotency key and records the provider id", async () => {
    resend.requests.length = 0;
    const id = await queueEmail(t.db, {
      to: "ari@example.test",
      template: "invite",
      props,
    });
    expect(await deliverEmails(t.db, resendMailer(), [id])).toEqual({ sent: 1, failed: 0 });
    expect(resend.requests).toHaveLength(1);
    const request = resend.requests[0]!;
    expect(request.headers["idempotency-key"]).toBe(`outbox-${id}`);
    expect(request.headers.authorization).toBe(`Bearer ${resend.apiKey}`);
    expect(request.body).toMatchObject({
      to: "ari@example.test",
      subject: "You're invited to the Greenroom early-access program",
      from: "Greenroom <no-reply@greenroom.test>",
    });
    expect(request.body.text).toContain("invite/abc");
    const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
    expect(row).toMatchObject({ status: "sent", provider: "resend", attempts: 1, error: null });
    expect(row!.providerMessageId).toMatch(/^fake-/);
  });

  it("retries a failed send later with backoff, then succeeds exactly once", async () => {
    resend.requests.length = 0;
    resend.failNextRequests(1);
    const id = await queueEmail(t.db, {
      to: "retry@example.test",
      template: "invite",
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
      template: "invite",
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
        queueEmail(t.db, { to: `bulk${i}@example.test`, template: "invite", props }),
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
      template: "invite",
      props,
    });
    await deliverEmails(t.db, outboxMailer, [id]);
    const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
    expect(row).toMatchObject({ status: "sent", provider: "outbox", providerMessageId: null });
  });

  it("a rolled-back transaction leaves no email behind", async () => {
    await expect(
      t.db.transaction(async (tx) => {
        await queueEmail(tx, { to: "ghost@example.test", template: "invite", props });
        throw new Error("rollback");
      }),
    ).rejects.toThrow("rollback");
    expect(
      await t.db.select().from(emailOutbox).where(eq(emailOutbox.recipient, "ghost@example.test")),
    ).toHaveLength(0);
  });

  describe("a message with a secret link (a password reset)", () => {
    const TOKEN = "live-reset-token-0123456789abcdefghijklmnopqrstu";
    const secret = {
      resetUrl: `http://localhost:3000/reset-password/${TOKEN}`,
      displayName: "Ari",
    };
    const queueReset = (mailer = resendMailer()) =>
      queueSecretEmail(t.db, mailer, {
        to: "ari@example.test",
        template: "password-reset",
        props: secret,
      });
    const storedText = async () =>
      JSON.stringify(
        await t.db.select().from(emailOutbox).where(eq(emailOutbox.recipient, "ari@example.test")),
      );

    it("can only be queued sealed: queueEmail refuses a template with secret props", async () => {
      await expect(
        queueEmail(t.db, { to: "ari@example.test", template: "password-reset", props: secret }),
      ).rejects.toThrow(/queueSecretEmail/);
    });

    it("is stored without its link, reaches the recipient with it, and the sealed copy is erased", async () => {
      resend.requests.length = 0;
      const id = await queueReset();
      expect(await storedText()).not.toContain(TOKEN);
      const [queued] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
      expect(queued!.sealed).toMatch(/^v1\./);
      expect(queued!.html).toContain("[[secret:resetUrl]]");

      expect(await deliverEmails(t.db, resendMailer(), [id])).toEqual({ sent: 1, failed: 0 });
      expect(resend.requests).toHaveLength(1);
      const sent = resend.requests[0]!.body;
      expect(sent.html).toContain(`href="http://localhost:3000/reset-password/${TOKEN}"`);
      expect(sent.text).toContain(`/reset-password/${TOKEN}`);
      expect(sent.text).not.toContain("[[secret");
      const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
      expect(row).toMatchObject({ status: "sent", provider: "resend", sealed: null });
      expect(await storedText()).not.toContain(TOKEN);
    });

    it("is shown to admins in the outbox with the link withheld, and offers no link", async () => {
      await queueReset();
      const admin = await createUser(t.db, { role: "admin" });
      const { messages } = await listOutbox(t.db, acting(admin), { page: 1 });
      expect(messages).toHaveLength(1);
      const [message] = messages;
      expect(message!.secretWithheld).toBe(true);
      expect(message!.links).toEqual([]);
      expect(message!.text).toContain("[link sent only to the recipient]");
      expect(JSON.stringify(messages)).not.toContain(TOKEN);
      expect(JSON.stringify(messages)).not.toContain("sealed");
    });

    it("without a provider, in demo mode, is shown once on the console and nowhere else", async () => {
      const printed: string[] = [];
      const demo = createMailer(
        { EMAIL_FROM: "Greenroom <no-reply@greenroom.test>", SESSION_SECRET, DEMO_MODE: true },
        { printSecretMessage: (message) => printed.push(message) },
      );
      const id = await queueReset(demo);
      expect(await deliverEmails(t.db, demo, [id])).toEqual({ sent: 1, failed: 0 });
      expect(await deliverEmails(t.db, demo)).toEqual({ sent: 0, failed: 0 });
      expect(printed).toHaveLength(1);
      expect(printed[0]).toContain(`/reset-password/${TOKEN}`);
      expect(printed[0]).toContain("ari@example.test");
      const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
      expect(row).toMatchObject({ status: "sent", provider: "console", sealed: null });
    });

    it("without a provider and outside demo mode, goes nowhere and is marked failed with the reason", async () => {
      const production = createMailer({
        EMAIL_FROM: "Greenroom <no-reply@greenroom.test>",
        SESSION_SECRET,
        NODE_ENV: "production",
      });
      expect(production.printSecretMessage).toBeNull();
      const id = await queueReset(production);
      expect(await deliverEmails(t.db, production, [id])).toEqual({ sent: 0, failed: 1 });
      const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
      expect(row).toMatchObject({ status: "failed", sealed: null });
      expect(row!.error).toMatch(/RESEND_API_KEY/);
      expect(await storedText()).not.toContain(TOKEN);
    });

    it("sealed under another SESSION_SECRET cannot be opened: it fails rather than send a placeholder", async () => {
      resend.requests.length = 0;
      const id = await queueReset();
      const otherKey = createMailer({
        RESEND_API_KEY: resend.apiKey,
        RESEND_BASE_URL: resend.url,
        EMAIL_FROM: "Greenroom <no-reply@greenroom.test>",
        SESSION_SECRET: "another-secret-another-secret-another-01",
      });
      expect(await deliverEmails(t.db, otherKey, [id])).toEqual({ sent: 0, failed: 1 });
      expect(resend.requests).toHaveLength(0);
      const [row] = await t.db.select().from(emailOutbox).where(eq(emailOutbox.id, id));
      expect(row).toMatchObject({ status: "failed", sealed: null });
    });
  });
});

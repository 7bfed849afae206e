import { and, eq, gt, isNull, ne, sql } from "drizzle-orm";
import { notifications, passwordResetTokens, users } from "~db/schema";
import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db } from "../db";
import { UserError } from "../errors";
import { deliverEmails, queueEmail, queueSecretEmail } from "../mail/send";
import type { Mailer } from "../mail/mailer";
import { hashToken, newToken } from "../tokens";
import { hashPassword } from "./passwords";
import { hit, LIMITS } from "./rate-limit";
import { endAllSessions } from "./session";
import { findUserByEmail } from "./sign-in";

export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;

/**
 * Emails a reset link when the address belongs to an active account. The caller shows the same
 * answer either way, so the form cannot be used to learn who has an account. The link reaches the
 * recipient's inbox only: the outbox keeps it sealed and shows admins that a link was sent.
 */
export async function requestPasswordReset(
  db: Db,
  mailer: Mailer,
  input: { email: string; appUrl: string },
  actor: Actor,
) {
  const email = input.email.trim().toLowerCase();
  if (actor.ip) await hit(db, LIMITS.resetPerIp, actor.ip);
  await hit(db, LIMITS.resetPerAccount, email);

  const user = await findUserByEmail(db, email);
  if (!user || user.status !== "active") return;

  const token = newToken();
  const emailId = await db.transaction(async (tx) => {
    await tx.insert(passwordResetTokens).values({
      userId: user.id,
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + RESET_TOKEN_TTL_MS),
    });
    await recordAudit(
      tx,
      { ...actor, userId: user.id },
      {
        action: "auth.password_reset_requested",
        subjectType: "user",
        subjectId: user.id,
      },
    );
    return queueSecretEmail(tx, mailer, {
      to: user.email,
      template: "password-reset",
      props: { resetUrl: `${input.appUrl}/reset-password/${token}`, displayName: user.displayName },
    });
  });
  await deliverEmails(db, mailer, [emailId]);
}

async function findUsableResetToken(db: Db, token: string) {
  const [row] = await db
    .select({ id: passwordResetTokens.id, userId: passwordResetTokens.userId, email: users.email })
    .from(passwordResetTokens)
    .innerJoin(users, eq(users.id, passwordResetTokens.userId))
    .where(
      and(
        eq(passwordResetTokens.tokenHash, hashToken(token)),
        isNull(passwordResetTokens.usedAt),
        gt(passwordResetTokens.expiresAt, sql`now()`),
        eq(users.status, "active"),
      ),
    );
  return row ?? null;
}

const LINK_GONE = "This reset link has expired or was already used. Ask for a new one below.";

export async function checkResetToken(db: Db, token: string) {
  const row = await findUsableResetToken(db, token);
  if (!row) throw new UserError(LINK_GONE, 410);
  return { email: row.email };
}

const atFormat = new Intl.DateTimeFormat("en-GB", {
  dateStyle: "long",
  timeStyle: "short",
  timeZone: "UTC",
});

/**
 * Sets the new password, uses the token up and ends every session of the account. When the
 * account is an admin's, every other admin is told (in-app and by email, whatever their email
 * choices): an admin account approves grants and changes anyone's access, so a takeover must not
 * go unnoticed. Returns the emails to deliver after commit.
 */
export async function resetPassword(
  db: Db,
  input: { token: string; password: string; appUrl: string },
  actor: Actor,
) {
  const passwordHash = await hashPassword(input.password);
  return db.transaction(async (tx) => {
    // The conditional update is the single use: of two parallel submissions only one matches.
    const [used] = await tx
      .update(passwordResetTokens)
      .set({ usedAt: sql`now()` })
      .where(
        and(
          eq(passwordResetTokens.tokenHash, hashToken(input.token)),
          isNull(passwordResetTokens.usedAt),
          gt(passwordResetTokens.expiresAt, sql`now()`),
        ),
      )
      .returning({ userId: passwordResetTokens.userId });
    if (!used) throw new UserError(LINK_GONE, 410);
    const [user] = await tx
      .update(users)
      .set({ passwordHash, updatedAt: sql`now()` })
      .where(and(eq(users.id, used.userId), eq(users.status, "active")))
      .returning({
        id: users.id,
        email: users.email,
        displayName: users.displayName,
        role: users.role,
      });
    if (!user) throw new UserError(LINK_GONE, 410);
    const ended = await endAllSessions(tx, user.id, "password_reset");
    const otherAdmins =
      user.role === "admin"
        ? await tx
            .select({ id: users.id, email: users.email, displayName: users.displayName })
            .from(users)
            .where(and(eq(users.role, "admin"), eq(users.status, "active"), ne(users.id, user.id)))
        : [];
    await recordAudit(
      tx,
      { ...actor, userId: user.id },
      {
        action: "auth.password_reset",
        subjectType: "user",
        subjectId: user.id,
        data: {
          sessionsEnded: ended,
          role: user.role,
          ...(otherAdmins.length > 0 ? { adminsNotified: otherAdmins.length } : {}),
        },
      },
    );
    const emailIds: string[] = [];
    const name = user.displayName || user.email;
    const link = `/admin/people/${user.id}`;
    for (const admin of otherAdmins) {
      await tx.insert(notifications).values({
        userId: admin.id,
        kind: "admin_password_reset",
        title: `${name}'s admin password was reset`,
        body: "Through an emailed link; every session of that account was ended. If it was not them, suspend the account.",
        link,
      });
      emailIds.push(
        await queueEmail(tx, {
          to: admin.email,
          template: "admin-password-reset",
          props: {
            recipientName: admin.displayName || admin.email,
            adminName: name,
            adminEmail: user.email,
            at: `${atFormat.format(new Date())} UTC`,
            ip: actor.ip ?? null,
            url: new URL(link, input.appUrl).toString(),
          },
        }),
      );
    }
    return { user: { id: user.id, email: user.email }, emailIds };
  });
}

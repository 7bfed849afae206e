import { and, eq, gt, isNull, sql } from "drizzle-orm";
import { passwordResetTokens, users } from "~db/schema";
import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db } from "../db";
import { UserError } from "../errors";
import { deliverEmails, queueEmail } from "../mail/send";
import type { Mailer } from "../mail/mailer";
import { hashToken, newToken } from "../tokens";
import { hashPassword } from "./passwords";
import { hit, LIMITS } from "./rate-limit";
import { endAllSessions } from "./session";
import { findUserByEmail } from "./sign-in";

export const RESET_TOKEN_TTL_MS = 60 * 60 * 1000;

/**
 * Emails a reset link when the address belongs to an active account. The caller shows the same
 * answer either way, so the form cannot be used to learn who has an account.
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
    return queueEmail(tx, {
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

/** Sets the new password, uses the token up and ends every session of the account. */
export async function resetPassword(
  db: Db,
  input: { token: string; password: string },
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
      .returning({ id: users.id, email: users.email });
    if (!user) throw new UserError(LINK_GONE, 410);
    const ended = await endAllSessions(tx, user.id, "password_reset");
    await recordAudit(
      tx,
      { ...actor, userId: user.id },
      {
        action: "auth.password_reset",
        subjectType: "user",
        subjectId: user.id,
        data: { sessionsEnded: ended },
      },
    );
    return user;
  });
}

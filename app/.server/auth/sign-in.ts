import { sql } from "drizzle-orm";
import { users } from "~db/schema";
import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db, DbOrTx } from "../db";
import { UserError } from "../errors";
import { verifyAgainstDummy, verifyPassword } from "./passwords";
import { clearHits, hit, LIMITS, refundHit } from "./rate-limit";
import { startSession } from "./session";

const WRONG = "That email and password do not match an account. Check both and try again.";

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return user ?? null;
}

/**
 * Checks a password and starts a session. Every attempt counts against the account and the
 * address before the password is checked; a success clears the account's count.
 */
export async function signIn(db: Db, input: { email: string; password: string }, actor: Actor) {
  const email = input.email.trim().toLowerCase();
  if (actor.ip) await hit(db, LIMITS.loginPerIp, actor.ip);
  await hit(db, LIMITS.loginPerAccount, email);

  const user = await findUserByEmail(db, email);
  if (!user?.passwordHash) {
    await verifyAgainstDummy(input.password);
    throw new UserError(WRONG, 400, "form");
  }
  if (!(await verifyPassword(user.passwordHash, input.password))) {
    await recordAudit(
      db,
      { ...actor, userId: user.id },
      {
        action: "auth.sign_in_failed",
        subjectType: "user",
        subjectId: user.id,
      },
    );
    throw new UserError(WRONG, 400, "form");
  }
  if (user.status === "suspended") {
    throw new UserError(
      "This account is suspended. Contact the program team if you think this is a mistake.",
      403,
      "form",
    );
  }
  if (user.status !== "active") throw new UserError(WRONG, 400, "form");

  // Only failures should count: many people behind one office address may all sign in.
  await clearHits(db, LIMITS.loginPerAccount, email);
  if (actor.ip) await refundHit(db, LIMITS.loginPerIp, actor.ip);
  const { cookie } = await startSession(db, user.id);
  await recordAudit(
    db,
    { ...actor, userId: user.id },
    { action: "auth.sign_in", subjectType: "user", subjectId: user.id },
  );
  return { user, cookie };
}

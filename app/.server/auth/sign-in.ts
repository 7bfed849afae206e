import { sql } from "drizzle-orm";
import { users } from "~db/schema";
import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db, DbOrTx } from "../db";
import { UserError } from "../errors";
import { deviceCookieFor, knownDevice, signedInFromAddressLately } from "./known-clients";
import { verifyAgainstDummy, verifyPassword } from "./passwords";
import { clearHits, hit, hitWithBackoff, refundHit, type Backoff, type Limit } from "./rate-limit";
import { startSession } from "./session";

const WRONG = "That email and password do not match an account. Check both and try again.";

/**
 * Slow the attacker, not the owner (OWASP ASVS V6.3, NIST 800-63B §5.2.2; docs/decisions/0017).
 * A client the account knows (its device cookie, or an address it signed in from lately) is held
 * only to its own guesses. Any other client is counted per account and address, per address across
 * accounts, and per account with a growing delay rather than a lock: the owner who waits the few
 * seconds (at most 15 minutes) always gets a turn.
 */
export const SIGN_IN_LIMITS = {
  knownClient: { bucket: "login:known", max: 10, windowSeconds: 15 * 60 },
  accountAndAddress: { bucket: "login:pair", max: 5, windowSeconds: 15 * 60 },
  address: { bucket: "login:ip", max: 30, windowSeconds: 15 * 60 },
  account: { bucket: "login:account", free: 5, windowSeconds: 60 * 60, maxDelaySeconds: 15 * 60 },
} satisfies Record<string, Limit | Backoff>;

export type SignInClient = {
  /** The request's Cookie header: a device cookie in it may make the client known. */
  cookieHeader: string | null;
  /** Signs device cookies (the session secret). */
  secret: string;
  /** Whether the session and device cookies carry Secure (auth/cookie-security.ts). */
  secureCookies: boolean;
  now?: Date;
};

export async function findUserByEmail(db: DbOrTx, email: string) {
  const [user] = await db
    .select()
    .from(users)
    .where(sql`lower(${users.email}) = ${email.trim().toLowerCase()}`)
    .limit(1);
  return user ?? null;
}

/**
 * Checks a password and starts a session. Every attempt counts before the password is checked
 * (so parallel guesses cannot slip through together); a success takes its counts back. Returns the
 * session cookie and a device cookie that makes this browser known to the account.
 */
export async function signIn(
  db: Db,
  input: { email: string; password: string },
  actor: Actor,
  client: SignInClient,
) {
  const email = input.email.trim().toLowerCase();
  const now = client.now ?? new Date();
  const user = await findUserByEmail(db, email);
  const device = user ? knownDevice(client.cookieHeader, user.id, client) : null;
  const known =
    Boolean(device) ||
    (user !== null && (await signedInFromAddressLately(db, user.id, actor.ip ?? null, now)));

  const address = actor.ip ?? "unknown";
  const pairKey = `${email}|${device ? `device:${device}` : address}`;
  if (known) {
    await hit(db, SIGN_IN_LIMITS.knownClient, pairKey, now);
  } else {
    await hit(db, SIGN_IN_LIMITS.accountAndAddress, pairKey, now);
    if (actor.ip) await hit(db, SIGN_IN_LIMITS.address, actor.ip, now);
    await hitWithBackoff(db, SIGN_IN_LIMITS.account, email, now);
  }

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
        data: { knownClient: known },
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

  // Only failures should add up: the owner's typos before this success are forgiven, and many
  // people behind one office address may all sign in.
  if (known) {
    await clearHits(db, SIGN_IN_LIMITS.knownClient, pairKey);
  } else {
    await clearHits(db, SIGN_IN_LIMITS.accountAndAddress, pairKey);
    if (actor.ip) await refundHit(db, SIGN_IN_LIMITS.address, actor.ip, now);
    await refundHit(db, SIGN_IN_LIMITS.account, email, now);
  }
  const { cookie } = await startSession(db, user.id, { secure: client.secureCookies });
  await recordAudit(
    db,
    { ...actor, userId: user.id },
    {
      action: "auth.sign_in",
      subjectType: "user",
      subjectId: user.id,
      data: { knownClient: known },
    },
  );
  const deviceCookie = deviceCookieFor(user.id, {
    secret: client.secret,
    secure: client.secureCookies,
    now,
  });
  return { user, cookie, deviceCookie };
}

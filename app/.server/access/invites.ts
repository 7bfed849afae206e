import { and, count, desc, eq, gt, inArray, isNull, lt, sql, type SQL } from "drizzle-orm";
import { ACCOUNT_EVENTS, accountStatusesFor } from "~/lib/accounts";
import { z } from "zod";
import { formatDate } from "~/lib/dates";
import { emailField, fieldErrors, roleField } from "~/lib/validation";
import { cohorts, invites, users, type Role } from "~db/schema";
import { auditActor, assertCan, type ActingUser } from "../auth/guards";
import { recordAudit, type Actor } from "../audit/audit-log";
import type { Db, DbOrTx } from "../db";
import { UserError } from "../errors";
import { hashPassword } from "../auth/passwords";
import { grantCohortAccess } from "./cohorts";
import { findUserByEmail } from "../auth/sign-in";
import { startSession, type CookieOptions } from "../auth/session";
import { deliverEmails, queueEmail } from "../mail/send";
import type { Mailer } from "../mail/mailer";
import { hashToken, newToken } from "../tokens";

export const INVITE_TTL_MS = 7 * 24 * 60 * 60 * 1000;
export const MAX_CSV_ROWS = 500;

export type InviteState = "pending" | "accepted" | "expired" | "revoked";

export function inviteState(
  invite: { acceptedAt: Date | null; revokedAt: Date | null; expiresAt: Date },
  now = new Date(),
): InviteState {
  if (invite.acceptedAt) return "accepted";
  if (invite.revokedAt) return "revoked";
  if (invite.expiresAt <= now) return "expired";
  return "pending";
}

type NewInvite = { email: string; role: Role; displayName?: string; cohortId?: string | null };

/**
 * Creates (or refreshes) the invited account and a new single-use link, inside `tx`. Any earlier
 * open link for the same person stops working, so only the newest email is valid.
 */
async function createInvite(tx: DbOrTx, by: ActingUser, input: NewInvite, appUrl: string) {
  const existing = await findUserByEmail(tx, input.email);
  if (existing && existing.status !== "invited") {
    throw new UserError(`${input.email} already has an account.`, 409, "email");
  }
  let userId: string;
  if (existing) {
    userId = existing.id;
    await tx
      .update(users)
      .set({
        role: input.role,
        displayName: input.displayName ?? existing.displayName,
        updatedAt: sql`now()`,
      })
      .where(eq(users.id, userId));
    await tx
      .update(invites)
      .set({ revokedAt: sql`now()` })
      .where(
        and(eq(invites.userId, userId), isNull(invites.acceptedAt), isNull(invites.revokedAt)),
      );
  } else {
    const [created] = await tx
      .insert(users)
      .values({
        email: input.email,
        role: input.role,
        displayName: input.displayName ?? "",
        status: "invited",
      })
      .returning({ id: users.id });
    userId = created!.id;
  }
  // A cohort gives an artist their generation access on joining; it means nothing for staff.
  const cohortId = input.role === "artist" ? (input.cohortId ?? null) : null;
  if (cohortId) {
    const [cohort] = await tx
      .select({ id: cohorts.id })
      .from(cohorts)
      .where(eq(cohorts.id, cohortId));
    if (!cohort) throw new UserError("Choose a cohort from the list.", 422, "cohortId");
  }
  const token = newToken();
  const expiresAt = new Date(Date.now() + INVITE_TTL_MS);
  const [invite] = await tx
    .insert(invites)
    .values({
      tokenHash: hashToken(token),
      email: input.email,
      role: input.role,
      userId,
      invitedBy: by.id,
      expiresAt,
      cohortId,
    })
    .returning({ id: invites.id });
  await recordAudit(tx, auditActor(by), {
    action: existing ? "invite.resent" : "invite.created",
    subjectType: "invite",
    subjectId: invite!.id,
    data: { email: input.email, role: input.role, ...(cohortId ? { cohortId } : {}) },
  });
  const emailId = await queueEmail(tx, {
    to: input.email,
    template: "invite",
    props: {
      inviteUrl: `${appUrl}/invite/${token}`,
      invitedByName: by.displayName || by.email,
      role: input.role,
      expiresAt: formatDate(expiresAt),
    },
  });
  return { inviteId: invite!.id, emailId, token };
}

export const inviteInput = z.object({
  email: emailField,
  role: roleField,
  displayName: z
    .string()
    .trim()
    .max(80, "Use at most 80 characters.")
    .optional()
    .transform((v) => v || undefined),
  cohortId: z
    .string()
    .trim()
    .max(64)
    .optional()
    .transform((v) => v || null),
});

export async function inviteOne(
  db: Db,
  mailer: Mailer,
  by: ActingUser,
  input: NewInvite,
  appUrl: string,
) {
  assertCan(by, "invites:manage");
  const result = await db.transaction((tx) => createInvite(tx, by, input, appUrl));
  await deliverEmails(db, mailer, [result.emailId]);
  return result;
}

export type CsvRowError = { line: number; email: string; message: string };

/** Splits one CSV line, honouring double quotes (a name may contain a comma). */
function splitCsvLine(line: string): string[] {
  const cells: string[] = [];
  let cell = "";
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const char = line[i]!;
    if (quoted) {
      if (char === '"' && line[i + 1] === '"') {
        cell += '"';
        i++;
      } else if (char === '"') quoted = false;
      else cell += char;
    } else if (char === '"') quoted = true;
    else if (char === ",") {
      cells.push(cell);
      cell = "";
    } else cell += char;
  }
  cells.push(cell);
  return cells.map((c) => c.trim());
}

/**
 * Parses a CSV of invitations: a header with `email`, optionally `role` (default artist) and
 * `name`. Returns the rows or every row's problem; nothing is written here.
 */
export function parseInviteCsv(text: string): {
  rows: (NewInvite & { line: number })[];
  errors: CsvRowError[];
} {
  const lines = text.replace(/^\uFEFF/, "").split(/\r?\n/);
  const header = splitCsvLine(lines[0] ?? "").map((h) => h.toLowerCase());
  const emailCol = header.indexOf("email");
  if (emailCol === -1) {
    return {
      rows: [],
      errors: [
        {
          line: 1,
          email: "",
          message:
            'The first line must be a header with an "email" column (and optionally "role" and "name").',
        },
      ],
    };
  }
  const roleCol = header.indexOf("role");
  const nameCol = header.findIndex(
    (h) => h === "name" || h === "display name" || h === "display_name",
  );
  const rows: (NewInvite & { line: number })[] = [];
  const errors: CsvRowError[] = [];
  const seen = new Map<string, number>();
  lines.slice(1).forEach((raw, index) => {
    const line = index + 2;
    if (raw.trim() === "") return;
    const cells = splitCsvLine(raw);
    const parsed = inviteInput.safeParse({
      email: cells[emailCol] ?? "",
      role: roleCol === -1 || !cells[roleCol] ? "artist" : cells[roleCol]!.toLowerCase(),
      displayName: nameCol === -1 ? undefined : cells[nameCol],
    });
    const email = (cells[emailCol] ?? "").trim();
    if (!parsed.success) {
      errors.push({ line, email, message: Object.values(fieldErrors(parsed.error)).join(" ") });
      return;
    }
    const first = seen.get(parsed.data.email);
    if (first) {
      errors.push({ line, email, message: `Same address as line ${first}.` });
      return;
    }
    seen.set(parsed.data.email, line);
    rows.push({ ...parsed.data, line });
  });
  if (rows.length + errors.length === 0)
    errors.push({ line: 1, email: "", message: "The file has no invitations in it." });
  if (rows.length > MAX_CSV_ROWS)
    errors.push({
      line: 1,
      email: "",
      message: `At most ${MAX_CSV_ROWS} invitations per file; this one has ${rows.length}.`,
    });
  return { rows, errors };
}

/** All or nothing: every row is checked first, and one transaction creates them all. */
export async function inviteMany(
  db: Db,
  mailer: Mailer,
  by: ActingUser,
  csv: string,
  appUrl: string,
) {
  assertCan(by, "invites:manage");
  const { rows, errors } = parseInviteCsv(csv);
  if (errors.length > 0) return { ok: false as const, errors, created: 0 };
  const taken = await db
    .select({ email: sql<string>`lower(${users.email})` })
    .from(users)
    .where(
      and(
        inArray(
          sql`lower(${users.email})`,
          rows.map((r) => r.email),
        ),
        sql`${users.status} <> 'invited'`,
      ),
    );
  const takenSet = new Set(taken.map((t) => t.email));
  const rowErrors = rows
    .filter((r) => takenSet.has(r.email))
    .map((r) => ({ line: r.line, email: r.email, message: "Already has an account." }));
  if (rowErrors.length > 0) return { ok: false as const, errors: rowErrors, created: 0 };
  try {
    const emailIds = await db.transaction(async (tx) => {
      const ids: string[] = [];
      for (const row of rows) ids.push((await createInvite(tx, by, row, appUrl)).emailId);
      return ids;
    });
    await deliverEmails(db, mailer, emailIds);
    return { ok: true as const, errors: [], created: rows.length };
  } catch (error) {
    if (error instanceof UserError) {
      // Someone registered one of these addresses between our check and the transaction.
      return {
        ok: false as const,
        errors: [{ line: 0, email: "", message: error.message }],
        created: 0,
      };
    }
    throw error;
  }
}

async function loadInvite(tx: DbOrTx, inviteId: string) {
  const [invite] = await tx.select().from(invites).where(eq(invites.id, inviteId));
  if (!invite) throw new UserError("That invitation does not exist.", 404);
  return invite;
}

export async function resendInvite(
  db: Db,
  mailer: Mailer,
  by: ActingUser,
  inviteId: string,
  appUrl: string,
) {
  assertCan(by, "invites:manage");
  const result = await db.transaction(async (tx) => {
    const invite = await loadInvite(tx, inviteId);
    if (invite.acceptedAt) throw new UserError("That invitation was already accepted.", 409);
    const [user] = await tx.select().from(users).where(eq(users.id, invite.userId));
    return createInvite(
      tx,
      by,
      {
        email: invite.email,
        role: invite.role,
        displayName: user?.displayName || undefined,
        cohortId: invite.cohortId,
      },
      appUrl,
    );
  });
  await deliverEmails(db, mailer, [result.emailId]);
  return result;
}

export async function revokeInvite(db: Db, by: ActingUser, inviteId: string) {
  assertCan(by, "invites:manage");
  await db.transaction(async (tx) => {
    const [revoked] = await tx
      .update(invites)
      .set({ revokedAt: sql`now()` })
      .where(and(eq(invites.id, inviteId), isNull(invites.acceptedAt), isNull(invites.revokedAt)))
      .returning();
    if (!revoked) {
      const invite = await loadInvite(tx, inviteId);
      throw new UserError(`That invitation is already ${inviteState(invite)}.`, 409);
    }
    await recordAudit(tx, auditActor(by), {
      action: "invite.revoked",
      subjectType: "invite",
      subjectId: inviteId,
      data: { email: revoked.email },
    });
  });
}

export const INVITES_PAGE_SIZE = 25;

export async function listInvites(
  db: Db,
  by: ActingUser,
  filter: { state?: InviteState; page: number },
) {
  assertCan(by, "invites:manage");
  const conditions: Record<InviteState, SQL> = {
    accepted: sql`${invites.acceptedAt} is not null`,
    revoked: and(isNull(invites.acceptedAt), sql`${invites.revokedAt} is not null`)!,
    expired: and(
      isNull(invites.acceptedAt),
      isNull(invites.revokedAt),
      lt(invites.expiresAt, sql`now()`),
    )!,
    pending: and(
      isNull(invites.acceptedAt),
      isNull(invites.revokedAt),
      gt(invites.expiresAt, sql`now()`),
    )!,
  };
  const where = filter.state ? conditions[filter.state] : undefined;
  const [rows, [total]] = await Promise.all([
    db
      .select({
        id: invites.id,
        email: invites.email,
        role: invites.role,
        createdAt: invites.createdAt,
        expiresAt: invites.expiresAt,
        acceptedAt: invites.acceptedAt,
        revokedAt: invites.revokedAt,
        invitedByName: users.displayName,
      })
      .from(invites)
      .leftJoin(users, eq(users.id, invites.invitedBy))
      .where(where)
      .orderBy(desc(invites.createdAt), desc(invites.id))
      .limit(INVITES_PAGE_SIZE)
      .offset((filter.page - 1) * INVITES_PAGE_SIZE),
    db.select({ n: count() }).from(invites).where(where),
  ]);
  return { invites: rows.map((r) => ({ ...r, state: inviteState(r) })), total: total?.n ?? 0 };
}

// --- the invited person's side ---

const INVITE_GONE =
  "This invitation link has expired, was revoked or was already used. Ask the program team for a new one.";

export async function findOpenInvite(db: Db, token: string) {
  const [row] = await db
    .select({
      id: invites.id,
      email: invites.email,
      role: invites.role,
      displayName: users.displayName,
    })
    .from(invites)
    .innerJoin(users, eq(users.id, invites.userId))
    .where(
      and(
        eq(invites.tokenHash, hashToken(token)),
        isNull(invites.acceptedAt),
        isNull(invites.revokedAt),
        gt(invites.expiresAt, sql`now()`),
        eq(users.status, "invited"),
      ),
    );
  if (!row) throw new UserError(INVITE_GONE, 410);
  return row;
}

/**
 * Activates the invited account: the account is the one the invitation was made for (its email
 * cannot be changed here), the link is used up, and the person is signed in.
 */
export async function acceptInvite(
  db: Db,
  input: { token: string; displayName: string; password: string },
  actor: Actor,
  cookies: CookieOptions,
) {
  const passwordHash = await hashPassword(input.password);
  const user = await db.transaction(async (tx) => {
    const [accepted] = await tx
      .update(invites)
      .set({ acceptedAt: sql`now()` })
      .where(
        and(
          eq(invites.tokenHash, hashToken(input.token)),
          isNull(invites.acceptedAt),
          isNull(invites.revokedAt),
          gt(invites.expiresAt, sql`now()`),
        ),
      )
      .returning();
    if (!accepted) throw new UserError(INVITE_GONE, 410);
    const [activated] = await tx
      .update(users)
      .set({
        displayName: input.displayName,
        passwordHash,
        status: ACCOUNT_EVENTS.acceptInvite.to,
        role: accepted.role,
        updatedAt: sql`now()`,
      })
      .where(
        and(
          eq(users.id, accepted.userId),
          inArray(users.status, accountStatusesFor("acceptInvite")),
        ),
      )
      .returning();
    if (!activated) throw new UserError(INVITE_GONE, 410);
    await recordAudit(
      tx,
      { ...actor, userId: activated.id },
      {
        action: "invite.accepted",
        subjectType: "invite",
        subjectId: accepted.id,
        data: { email: activated.email },
      },
    );
    // Invited into a cohort: generation access from the first moment.
    if (accepted.cohortId && activated.role === "artist")
      await grantCohortAccess(
        tx,
        { ...actor, userId: activated.id },
        activated.id,
        accepted.cohortId,
      );
    return activated;
  });
  const { cookie } = await startSession(db, user.id, cookies);
  return { user, cookie };
}

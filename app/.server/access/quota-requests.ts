import { and, asc, desc, eq, isNull, sql } from "drizzle-orm";
import { z } from "zod";
import {
  answerState,
  MAX_REQUEST_SECONDS,
  quotaRequestMachine,
  type QuotaRequestState,
} from "~/lib/quota-requests";
import { accessSettings, quotaRequests, users } from "~db/schema";
import { recordAudit } from "../audit/audit-log";
import { assertCan, auditActor, type ActingUser } from "../auth/guards";
import type { SessionUser } from "../auth/session";
import type { Db } from "../db";
import { UserError } from "../errors";
import { quotaMonth } from "../generation/quota";
import { deliverEmails } from "../mail/send";
import type { Mailer } from "../mail/mailer";
import { notify } from "../notifications/notify";

// "More seconds, please" (issue 19): an artist asks, with an amount and a reason; any admin
// answers once — all, part or none, with a note. The answer is one conditional UPDATE from
// `open`, so two admins answering at once give one answer and the other is told who was first.
// Granted seconds add to the quota of the month of the answer (quota.ts).

export const askInput = z.object({
  requestedSeconds: z.coerce
    .number({ error: "Enter a number of seconds." })
    .int("Use whole seconds.")
    .min(5, "Ask for at least 5 seconds.")
    .max(MAX_REQUEST_SECONDS, `Ask for at most ${MAX_REQUEST_SECONDS} seconds at a time.`),
  reason: z
    .string({ error: "Say what the seconds are for." })
    .trim()
    .min(3, "Say what the seconds are for.")
    .max(1000, "Use at most 1,000 characters."),
});
export type AskInput = z.infer<typeof askInput>;

export const answerInput = z.object({
  grantedSeconds: z.coerce
    .number({ error: "Enter the seconds to grant (0 to decline)." })
    .int("Use whole seconds.")
    .min(0, "Use 0 or more (0 declines)."),
  note: z
    .string()
    .trim()
    .max(1000, "Use at most 1,000 characters.")
    .optional()
    .transform((v) => v || null),
});
export type AnswerInput = z.infer<typeof answerInput>;

/** The artist asks for more seconds this month; every active admin is told. */
export async function askForSeconds(
  db: Db,
  mailer: Mailer,
  artist: ActingUser,
  input: AskInput,
  appUrl: string,
) {
  assertCan(artist, "studio:use");
  const { request, emails } = await db.transaction(async (tx) => {
    const [open] = await tx
      .select({ id: quotaRequests.id })
      .from(quotaRequests)
      .where(and(eq(quotaRequests.userId, artist.id), eq(quotaRequests.state, "open")));
    if (open)
      throw new UserError(
        "You already have a request waiting for an answer. You can ask again once it is answered.",
        409,
        "requestedSeconds",
      );
    const [request] = await tx
      .insert(quotaRequests)
      .values({ userId: artist.id, requestedSeconds: input.requestedSeconds, reason: input.reason })
      // Two submits at once: the partial unique index keeps one open request.
      .onConflictDoNothing()
      .returning();
    if (!request)
      throw new UserError(
        "You already have a request waiting for an answer.",
        409,
        "requestedSeconds",
      );
    await recordAudit(tx, auditActor(artist), {
      action: "quota_request.created",
      subjectType: "quota_request",
      subjectId: request.id,
      data: { requestedSeconds: input.requestedSeconds },
    });
    const admins = await tx
      .select({ id: users.id })
      .from(users)
      .where(and(eq(users.role, "admin"), eq(users.status, "active")));
    const who = artist.displayName || artist.email;
    const emails: string[] = [];
    for (const admin of admins) {
      const email = await notify(
        tx,
        {
          userId: admin.id,
          kind: "quota_requested",
          title: `${who} asks for ${input.requestedSeconds} more seconds`,
          body: input.reason,
          link: "/admin/access",
          email: {
            template: "studio-update",
            props: {
              heading: `${who} asks for more seconds`,
              lines: [
                `${who} asks for ${input.requestedSeconds} more seconds this month:`,
                input.reason,
              ],
              action: "Answer the request",
            },
          },
        },
        appUrl,
      );
      if (email) emails.push(email);
    }
    return { request, emails };
  });
  await deliverEmails(db, mailer, emails);
  return request;
}

/**
 * An admin's answer: `grantedSeconds` of the request (all of it grants, part of it partly grants,
 * 0 declines), with a note for the artist. Once only.
 */
export async function answerQuotaRequest(
  db: Db,
  mailer: Mailer,
  admin: ActingUser,
  requestId: string,
  input: AnswerInput,
  appUrl: string,
) {
  assertCan(admin, "people:manage");
  const { answered, email } = await db.transaction(async (tx) => {
    const [request] = await tx.select().from(quotaRequests).where(eq(quotaRequests.id, requestId));
    if (!request) throw new UserError("There is no such request.", 404);
    if (input.grantedSeconds > request.requestedSeconds)
      throw new UserError(
        `Grant at most the ${request.requestedSeconds} seconds asked for.`,
        422,
        "grantedSeconds",
      );
    const to = answerState(request.requestedSeconds, input.grantedSeconds);
    const month = quotaMonth(new Date());
    // The move, only from a state the table allows: a second answer finds no row.
    const [answered] = await tx
      .update(quotaRequests)
      .set({
        state: to,
        grantedSeconds: input.grantedSeconds,
        note: input.note,
        month,
        decidedBy: admin.id,
        decidedAt: sql`now()`,
      })
      .where(
        and(
          eq(quotaRequests.id, requestId),
          sql`${quotaRequests.state} IN (${sql.join(
            quotaRequestMachine.from(to).map((s) => sql`${s}`),
            sql`, `,
          )})`,
        ),
      )
      .returning();
    if (!answered) {
      const [now] = await tx
        .select({ state: quotaRequests.state, by: users.displayName, email: users.email })
        .from(quotaRequests)
        .leftJoin(users, eq(users.id, quotaRequests.decidedBy))
        .where(eq(quotaRequests.id, requestId));
      const check = quotaRequestMachine.check(now!.state, to);
      const who = now?.by || now?.email;
      throw new UserError(
        check.ok
          ? "This request changed meanwhile. Reload and try again."
          : `${check.reason.replace(/\.$/, "")}${who ? ` by ${who}` : ""}.`,
        409,
      );
    }
    await recordAudit(tx, auditActor(admin), {
      action: "quota_request.answered",
      subjectType: "quota_request",
      subjectId: requestId,
      data: {
        state: to,
        requestedSeconds: request.requestedSeconds,
        grantedSeconds: input.grantedSeconds,
        month,
        artist: request.userId,
      },
    });
    const title =
      to === "granted"
        ? `You have ${input.grantedSeconds} more seconds this month`
        : to === "partly_granted"
          ? `You have ${input.grantedSeconds} of the ${request.requestedSeconds} seconds you asked for`
          : "Your request for more seconds was declined";
    const email = await notify(
      tx,
      {
        userId: request.userId,
        kind: "quota_answered",
        title,
        body: input.note ?? "",
        link: "/studio",
        email: {
          template: "studio-update",
          props: {
            heading: title,
            lines: input.note ? [`A note from the program team: ${input.note}`] : [],
            action: "Open the studio",
          },
        },
      },
      appUrl,
    );
    return { answered, email };
  });
  if (email) await deliverEmails(db, mailer, [email]);
  return answered;
}

/** The artist's own requests, newest first (the studio shows the latest few). */
export async function ownQuotaRequests(db: Db, artist: SessionUser, limit = 3) {
  assertCan(artist, "studio:use");
  return db
    .select({
      id: quotaRequests.id,
      requestedSeconds: quotaRequests.requestedSeconds,
      reason: quotaRequests.reason,
      state: quotaRequests.state,
      grantedSeconds: quotaRequests.grantedSeconds,
      note: quotaRequests.note,
      createdAt: quotaRequests.createdAt,
      decidedAt: quotaRequests.decidedAt,
    })
    .from(quotaRequests)
    .where(eq(quotaRequests.userId, artist.id))
    .orderBy(desc(quotaRequests.createdAt))
    .limit(limit);
}

export type OpenQuotaRequest = {
  id: string;
  userId: string;
  name: string;
  email: string;
  requestedSeconds: number;
  reason: string;
  state: QuotaRequestState;
  createdAt: Date;
  monthlyQuotaSeconds: number | null;
};

/** Requests waiting for an answer, oldest first: the admins' list. */
export async function openQuotaRequests(db: Db, admin: SessionUser): Promise<OpenQuotaRequest[]> {
  assertCan(admin, "people:manage");
  return db
    .select({
      id: quotaRequests.id,
      userId: quotaRequests.userId,
      name: users.displayName,
      email: users.email,
      requestedSeconds: quotaRequests.requestedSeconds,
      reason: quotaRequests.reason,
      state: quotaRequests.state,
      createdAt: quotaRequests.createdAt,
      monthlyQuotaSeconds: accessSettings.monthlyQuotaSeconds,
    })
    .from(quotaRequests)
    .innerJoin(users, eq(users.id, quotaRequests.userId))
    .leftJoin(accessSettings, eq(accessSettings.userId, quotaRequests.userId))
    .where(eq(quotaRequests.state, "open"))
    .orderBy(asc(quotaRequests.createdAt))
    .limit(100);
}

/** How many requests wait (the admin home's card). */
export async function openQuotaRequestCount(db: Db) {
  const [row] = await db
    .select({ n: sql<number>`count(*)::int` })
    .from(quotaRequests)
    .where(eq(quotaRequests.state, "open"));
  return row?.n ?? 0;
}

/** Active or invited artists with no generation access at all: who still needs setting up. */
export async function artistsWithoutAccess(db: Db, admin: SessionUser) {
  assertCan(admin, "people:manage");
  return db
    .select({
      id: users.id,
      name: users.displayName,
      email: users.email,
      status: users.status,
      createdAt: users.createdAt,
    })
    .from(users)
    .leftJoin(accessSettings, eq(accessSettings.userId, users.id))
    .where(
      and(
        eq(users.role, "artist"),
        sql`${users.status} IN ('active', 'invited')`,
        isNull(accessSettings.userId),
      ),
    )
    .orderBy(asc(users.createdAt))
    .limit(200);
}

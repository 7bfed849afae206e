import { sql } from "drizzle-orm";
import { hashPassword } from "~/.server/auth/passwords";
import { recordAudit } from "~/.server/audit/audit-log";
import type { Db } from "~/.server/db";
import { createMailer } from "~/.server/mail/mailer";
import { deliverEmails, queueEmail } from "~/.server/mail/send";
import { hashToken, newToken } from "~/.server/tokens";
import {
  accessSettings,
  invites,
  users,
  type Role,
  type TrustTier,
  type UserStatus,
} from "./schema";

export const DEMO_PASSWORD = "greenroom-demo";

export const DEMO_ACCOUNTS = [
  { email: "admin@greenroom.test", displayName: "Ada Admin", role: "admin" },
  { email: "reviewer@greenroom.test", displayName: "Remi Reviewer", role: "reviewer" },
  { email: "artist@greenroom.test", displayName: "Ari Artist", role: "artist" },
  { email: "artist2@greenroom.test", displayName: "Bea Artist", role: "artist" },
] as const satisfies readonly { email: string; displayName: string; role: Role }[];

type Person = {
  email: string;
  displayName: string;
  role: Role;
  status: UserStatus;
  trustTier?: TrustTier;
  reason?: string;
};

// A program that has been running for a few weeks: more artists, a second reviewer, someone
// suspended, and invitations still waiting.
const PROGRAM: Person[] = [
  {
    email: "mira.okafor@greenroom.test",
    displayName: "Mira Okafor",
    role: "artist",
    status: "active",
    trustTier: "trusted",
  },
  {
    email: "jonas.berg@greenroom.test",
    displayName: "Jonas Berg",
    role: "artist",
    status: "active",
  },
  {
    email: "lucia.ferraro@greenroom.test",
    displayName: "Lucía Ferraro",
    role: "artist",
    status: "active",
  },
  {
    email: "kenji.watanabe@greenroom.test",
    displayName: "Kenji Watanabe",
    role: "artist",
    status: "active",
    trustTier: "trusted",
  },
  {
    email: "amara.diallo@greenroom.test",
    displayName: "Amara Diallo",
    role: "artist",
    status: "active",
  },
  {
    email: "theo.marchetti@greenroom.test",
    displayName: "Theo Marchetti",
    role: "artist",
    status: "suspended",
    reason: "Access shared outside the program (flagged 30 addresses in an hour).",
  },
  {
    email: "sasha.ivanova@greenroom.test",
    displayName: "Sasha Ivanova",
    role: "reviewer",
    status: "active",
  },
  {
    email: "omar.castillo@greenroom.test",
    displayName: "Omar Castillo",
    role: "admin",
    status: "active",
  },
  {
    email: "noor.haddad@greenroom.test",
    displayName: "Noor Haddad",
    role: "artist",
    status: "invited",
  },
  { email: "felix.wong@greenroom.test", displayName: "", role: "artist", status: "invited" },
];

/** Seeds the demo accounts and a little program history. Running it again changes nothing. */
export async function seedDemo(db: Db, options: { appUrl: string }) {
  const passwordHash = await hashPassword(DEMO_PASSWORD);
  const created: string[] = [];
  const emailIds = await db.transaction(async (tx) => {
    const ids: string[] = [];
    const people: Person[] = [
      ...DEMO_ACCOUNTS.map((a) => ({ ...a, status: "active" as const })),
      ...PROGRAM,
    ];
    for (const person of people) {
      const [row] = await tx
        .insert(users)
        .values({
          email: person.email,
          displayName: person.displayName,
          role: person.role,
          status: person.status,
          trustTier: person.trustTier ?? "standard",
          statusReason: person.reason ?? null,
          passwordHash: person.status === "invited" ? null : passwordHash,
        })
        .onConflictDoNothing()
        .returning({ id: users.id });
      if (!row) continue;
      created.push(person.email);
      if (person.role === "artist" && person.status !== "invited") {
        // A working quota, so the studio has something to spend the moment an artist signs in.
        await tx
          .insert(accessSettings)
          .values({
            userId: row.id,
            monthlyQuotaSeconds: person.trustTier === "trusted" ? 600 : 300,
            maxDurationSeconds: 20,
            maxResolution: person.trustTier === "trusted" ? "1080p" : "720p",
            maxConcurrentJobs: 2,
            cohort: "Autumn 2026",
          })
          .onConflictDoNothing();
      }
      if (person.status === "suspended") {
        await recordAudit(
          tx,
          { userId: null, ip: "127.0.0.1" },
          {
            action: "user.suspended",
            subjectType: "user",
            subjectId: row.id,
            data: { reason: person.reason, email: person.email, sessionsEnded: 0 },
          },
        );
      }
      if (person.status === "invited") {
        const [admin] = await tx
          .select({ id: users.id })
          .from(users)
          .where(sql`lower(${users.email}) = 'admin@greenroom.test'`);
        const token = newToken();
        const expiresAt = new Date(Date.now() + 5 * 24 * 3600_000);
        const [invite] = await tx
          .insert(invites)
          .values({
            tokenHash: hashToken(token),
            email: person.email,
            role: person.role,
            userId: row.id,
            invitedBy: admin?.id ?? null,
            expiresAt,
          })
          .returning({ id: invites.id });
        await recordAudit(
          tx,
          { userId: admin?.id ?? null, ip: "127.0.0.1" },
          {
            action: "invite.created",
            subjectType: "invite",
            subjectId: invite!.id,
            data: { email: person.email, role: person.role },
          },
        );
        ids.push(
          await queueEmail(tx, {
            to: person.email,
            template: "invite",
            props: {
              inviteUrl: `${options.appUrl}/invite/${token}`,
              invitedByName: "Ada Admin",
              role: person.role,
              expiresAt: expiresAt.toDateString(),
            },
          }),
        );
      }
    }
    return ids;
  });
  // Demo invitations go to the outbox whatever the configuration: the addresses are not real.
  await deliverEmails(
    db,
    createMailer({ EMAIL_FROM: "Greenroom <no-reply@greenroom.test>" }),
    emailIds,
  );
  return { created };
}

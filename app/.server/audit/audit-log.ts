import { auditLog } from "~db/schema";
import type { DbOrTx } from "../db";

/** Who did something and from where; routes build it from the request. */
export type Actor = {
  userId: string | null;
  ip?: string | null;
  userAgent?: string | null;
};

/** Changes made by the portal itself (workers, schedules), not by a person. */
export const SYSTEM_ACTOR: Actor = { userId: null, userAgent: "greenroom (system)" };

export type AuditInput = {
  action: string;
  subjectType: string;
  subjectId?: string | null;
  data?: Record<string, unknown>;
};

/** Call inside the transaction that makes the change, so the change and its record commit together. */
export async function recordAudit(tx: DbOrTx, actor: Actor, entry: AuditInput) {
  await tx.insert(auditLog).values({
    actorId: actor.userId,
    action: entry.action,
    subjectType: entry.subjectType,
    subjectId: entry.subjectId ?? null,
    data: entry.data ?? {},
    ip: actor.ip ?? null,
    userAgent: actor.userAgent?.slice(0, 512) ?? null,
  });
}

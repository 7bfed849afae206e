import { Resend } from "resend";
import type { Env } from "../env";

/** Where email goes: Resend when a key is configured, otherwise only the outbox table. */
export type Mailer = {
  from: string;
  resend: Resend | null;
};

export function createMailer(
  env: Pick<Env, "RESEND_API_KEY" | "RESEND_BASE_URL" | "EMAIL_FROM">,
): Mailer {
  if (!env.RESEND_API_KEY) return { from: env.EMAIL_FROM, resend: null };
  // Without an explicit base URL the SDK falls back to process.env.RESEND_BASE_URL, then to
  // Resend's API; tests point it at a local fake that follows the documented contract.
  const resend = new Resend(
    env.RESEND_API_KEY,
    env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : undefined,
  );
  return { from: env.EMAIL_FROM, resend };
}

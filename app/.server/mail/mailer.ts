import { Resend } from "resend";
import type { Env } from "../env";
import { outboxSealKey, type SealKey } from "./sealed";

/** Where email goes: Resend when a key is configured, otherwise only the outbox table. */
export type Mailer = {
  from: string;
  resend: Resend | null;
  /** Seals the secret links of queued messages (sealed.ts); null only in tests that send none. */
  sealKey: SealKey | null;
  /**
   * Without a provider a secret link has no inbox to go to. In development and demo mode it is
   * written here once, so a newcomer can still reset a demo password; otherwise it is dropped and
   * the message marked failed. Never a log line: logs are collected, this is the operator's screen.
   */
  printSecretMessage: ((message: string) => void) | null;
};

export type MailerEnv = Pick<Env, "EMAIL_FROM"> &
  Partial<Pick<Env, "RESEND_API_KEY" | "RESEND_BASE_URL" | "SESSION_SECRET" | "NODE_ENV">> & {
    DEMO_MODE?: boolean;
  };

export function createMailer(
  env: MailerEnv,
  options: { printSecretMessage?: (message: string) => void } = {},
): Mailer {
  const sealKey = env.SESSION_SECRET ? outboxSealKey(env.SESSION_SECRET) : null;
  const printsSecrets = env.DEMO_MODE === true || env.NODE_ENV === "development";
  const printSecretMessage = printsSecrets
    ? (options.printSecretMessage ?? ((message: string) => process.stdout.write(message)))
    : null;
  if (!env.RESEND_API_KEY)
    return { from: env.EMAIL_FROM, resend: null, sealKey, printSecretMessage };
  // Without an explicit base URL the SDK falls back to process.env.RESEND_BASE_URL, then to
  // Resend's API; tests point it at a local fake that follows the documented contract.
  const resend = new Resend(
    env.RESEND_API_KEY,
    env.RESEND_BASE_URL ? { baseUrl: env.RESEND_BASE_URL } : undefined,
  );
  return { from: env.EMAIL_FROM, resend, sealKey, printSecretMessage: null };
}

import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from "node:crypto";

// Secret values an email carries (a password-reset link) must reach the recipient and nobody
// else: not the admins who read the outbox, not a database dump. The outbox row keeps the message
// with a placeholder where the secret goes, and the secret itself sealed (AES-256-GCM under a key
// derived from SESSION_SECRET, which never sits in the database). Delivery unseals it, puts it in
// place for the one send, and erases the sealed copy. See docs/decisions/0016.

export type SealKey = Buffer;

/** The outbox's own key, derived so that it is never the session secret itself. */
export function outboxSealKey(sessionSecret: string): SealKey {
  return Buffer.from(hkdfSync("sha256", sessionSecret, "", "greenroom email outbox seal v1", 32));
}

/** `v1.<iv>.<tag>.<ciphertext>`, base64url, of the JSON of `values`. */
export function seal(key: SealKey, values: Record<string, string>): string {
  const iv = randomBytes(12);
  const cipher = createCipheriv("aes-256-gcm", key, iv);
  const body = Buffer.concat([cipher.update(JSON.stringify(values), "utf8"), cipher.final()]);
  const parts = [iv, cipher.getAuthTag(), body].map((b) => b.toString("base64url"));
  return ["v1", ...parts].join(".");
}

/** The sealed values, or null when they were sealed under another key or altered. */
export function unseal(key: SealKey, sealed: string): Record<string, string> | null {
  const [version, iv, tag, body] = sealed.split(".");
  if (version !== "v1" || !iv || !tag || body === undefined) return null;
  try {
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    const json = Buffer.concat([
      decipher.update(Buffer.from(body, "base64url")),
      decipher.final(),
    ]).toString("utf8");
    const values = JSON.parse(json) as unknown;
    if (!values || typeof values !== "object") return null;
    return values as Record<string, string>;
  } catch {
    return null;
  }
}

const PLACEHOLDER = /\[\[secret:([a-zA-Z]+)\]\]/g;

/** What a template is rendered with in place of the secret prop `name`. */
export function secretPlaceholder(name: string) {
  return `[[secret:${name}]]`;
}

/** The message as sent: each placeholder replaced by its secret (HTML-escaped in HTML). */
export function fillSecrets(content: string, values: Record<string, string>, html: boolean) {
  return content.replace(PLACEHOLDER, (whole, name: string) => {
    const value = values[name];
    if (value === undefined) return whole;
    return html ? escapeHtml(value) : value;
  });
}

/** The message as admins read it: each secret replaced by a note that it went only to its owner. */
export function redactSecrets(content: string) {
  return content.replace(PLACEHOLDER, "[link sent only to the recipient]");
}

export function hasSecrets(content: string) {
  return content.search(PLACEHOLDER) >= 0;
}

function escapeHtml(value: string) {
  return value
    .replace(/&/g, "&amp;")
    .replace(/"/g, "&quot;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;");
}

import { createHash, randomBytes } from "node:crypto";

/** A URL-safe random token with 256 bits of entropy, for invite links and reset links. */
export function newToken(): string {
  return randomBytes(32).toString("base64url");
}

/** We store only this digest of a token, so a database leak does not leak usable links. */
export function hashToken(token: string): string {
  return createHash("sha256").update(token).digest("hex");
}

import { createHmac, hkdfSync, randomBytes, timingSafeEqual } from "node:crypto";
import { and, eq, gt, sql } from "drizzle-orm";
import { accountActivity } from "~db/schema";
import type { DbOrTx } from "../db";
import { normaliseAddress } from "../oversight/activity";

// A client an account already knows: a browser it signed in from (a device cookie, OWASP's
// "device cookies" against online guessing) or an address it signed in from lately. Sign-in
// throttles slow unknown clients down, never these (sign-in-throttle.ts, docs/decisions/0017).

export const DEVICE_COOKIE = "greenroom_device";
const DEVICE_COOKIE_DAYS = 365;
/** An address that signed in this recently is known to the account. */
export const KNOWN_ADDRESS_DAYS = 30;

export type DeviceCookieOptions = { secret: string; secure: boolean; now?: Date };

function deviceKey(secret: string) {
  return Buffer.from(hkdfSync("sha256", secret, "", "greenroom device cookie v1", 32));
}

function mac(secret: string, payload: string) {
  return createHmac("sha256", deviceKey(secret)).update(payload).digest("base64url");
}

/**
 * A Set-Cookie header naming this browser as one `userId` signed in from. The value is
 * `<user id>.<device id>.<issued, epoch seconds>.<HMAC>`: nothing secret, but unforgeable.
 */
export function deviceCookieFor(userId: string, options: DeviceCookieOptions) {
  const issued = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const payload = `${userId}.${randomBytes(9).toString("base64url")}.${issued}`;
  const value = `${payload}.${mac(options.secret, payload)}`;
  return [
    `${DEVICE_COOKIE}=${value}`,
    "Path=/",
    `Max-Age=${DEVICE_COOKIE_DAYS * 24 * 3600}`,
    "HttpOnly",
    "SameSite=Lax",
    ...(options.secure ? ["Secure"] : []),
  ].join("; ");
}

/** The device id of a valid device cookie of `userId` in this Cookie header, else null. */
export function knownDevice(
  cookieHeader: string | null,
  userId: string,
  options: Pick<DeviceCookieOptions, "secret" | "now">,
): string | null {
  const value = cookieHeader
    ?.split(";")
    .map((part) => part.trim())
    .find((part) => part.startsWith(`${DEVICE_COOKIE}=`))
    ?.slice(DEVICE_COOKIE.length + 1);
  if (!value) return null;
  const parts = value.split(".");
  if (parts.length !== 4) return null;
  const [user, device, issued, signature] = parts as [string, string, string, string];
  const expected = Buffer.from(mac(options.secret, `${user}.${device}.${issued}`));
  const given = Buffer.from(signature);
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null;
  const ageSeconds = (options.now ?? new Date()).getTime() / 1000 - Number(issued);
  if (user !== userId || !(ageSeconds >= 0 && ageSeconds < DEVICE_COOKIE_DAYS * 24 * 3600))
    return null;
  return device;
}

/** Whether `userId` signed in successfully from `ip` within KNOWN_ADDRESS_DAYS. */
export async function signedInFromAddressLately(
  db: DbOrTx,
  userId: string,
  ip: string | null,
  now = new Date(),
) {
  if (!ip) return false;
  const since = new Date(now.getTime() - KNOWN_ADDRESS_DAYS * 24 * 3600_000);
  const [row] = await db
    .select({ one: sql`1` })
    .from(accountActivity)
    .where(
      and(
        eq(accountActivity.userId, userId),
        eq(accountActivity.ip, normaliseAddress(ip)),
        gt(accountActivity.hour, since),
        gt(accountActivity.signIns, 0),
      ),
    )
    .limit(1);
  return Boolean(row);
}

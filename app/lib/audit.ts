// How an audit entry reads on the page: its details as labelled values rather than raw JSON.

export type AuditDetail = { label: string; value: string };

const ACRONYMS: Record<string, string> = { id: "ID", ip: "IP", url: "URL", csv: "CSV", utc: "UTC" };

/** "reasonCode" and "reason_code" both read "Reason code"; "userId" reads "User ID". */
export function humanKey(key: string) {
  const words = key
    .replace(/([a-z0-9])([A-Z])/g, "$1 $2")
    .replace(/[_.-]+/g, " ")
    .trim()
    .toLowerCase()
    .split(/\s+/)
    .map((w) => ACRONYMS[w] ?? w);
  const sentence = words.join(" ");
  return sentence.charAt(0).toUpperCase() + sentence.slice(1);
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function readable(value: unknown): string {
  if (value === null || value === undefined || value === "") return "–";
  if (typeof value === "boolean") return value ? "yes" : "no";
  if (typeof value === "number") return new Intl.NumberFormat("en-GB").format(value);
  if (typeof value === "string") return UUID.test(value) ? value.slice(0, 8) : value;
  if (Array.isArray(value)) return value.length ? value.map(readable).join(", ") : "none";
  if (typeof value === "object") {
    return Object.entries(value as Record<string, unknown>)
      .map(([k, v]) => `${humanKey(k).toLowerCase()} ${readable(v)}`)
      .join(", ");
  }
  return String(value);
}

/** An entry's data as label–value pairs, in the order it was recorded. */
export function auditDetails(data: Record<string, unknown>): AuditDetail[] {
  return Object.entries(data).map(([key, value]) => ({
    label: humanKey(key),
    value: readable(value),
  }));
}

/** "user.suspend" reads "User suspend"; the code itself stays beside it for searching. */
export function humanAction(action: string) {
  return humanKey(action);
}

// Links that open an account (a reset link, an invite) must never reach a log line: logs are read
// by more people, and kept longer, than the links live. Every URL the server logs passes here.

/** Paths whose next segment is a secret: the emailed links. */
const SECRET_PATHS = ["/reset-password/", "/invite/"];

/** Query parameters whose values are secrets wherever they appear. */
const SECRET_PARAMS = /token|secret|password|signature|key|code/i;

export const REDACTED = "[redacted]";

function redactPath(path: string): string {
  for (const prefix of SECRET_PATHS) {
    const at = path.indexOf(prefix);
    if (at < 0) continue;
    const start = at + prefix.length;
    const rest = path.slice(start);
    // Keep the single-fetch suffix (".data") and anything after the secret segment.
    const end = rest.search(/[/?#]|\.data(?:$|[?#])/);
    return path.slice(0, start) + REDACTED + (end < 0 ? "" : redactPath(rest.slice(end)));
  }
  return path;
}

function decode(value: string) {
  try {
    return decodeURIComponent(value.replace(/\+/g, " "));
  } catch {
    return value;
  }
}

/**
 * The URL as it may be logged: secret path segments and secret query values replaced, also inside
 * a query value that is itself a path (`?redirectTo=/invite/…`). Everything else is kept as sent.
 */
export function redactUrl(url: string): string {
  const queryAt = url.indexOf("?");
  if (queryAt < 0) return redactPath(url);
  const query = url
    .slice(queryAt + 1)
    .split("&")
    .map((pair) => {
      const eq = pair.indexOf("=");
      if (eq < 0) return pair;
      const name = pair.slice(0, eq);
      if (SECRET_PARAMS.test(decode(name))) return `${name}=${REDACTED}`;
      const value = decode(pair.slice(eq + 1));
      const redacted = redactPath(value);
      return redacted === value ? pair : `${name}=${redacted}`;
    });
  return `${redactPath(url.slice(0, queryAt))}?${query.join("&")}`;
}

import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { type ByteRange, ObjectNotFoundError, type ObjectStorage } from "./storage";

export type ServeObjectOptions = {
  /** Overrides the stored type (e.g. to serve a poster as image/jpeg whatever was stored). */
  contentType?: string;
  /** Defaults to "private, max-age=3600": media is behind authorization, so no shared caches. */
  cacheControl?: string;
  /** When set, the browser saves the object under this name instead of showing it. */
  downloadName?: string;
};

const DEFAULT_CACHE_CONTROL = "private, max-age=3600";

/**
 * Answers a GET or HEAD for a stored object from a Remix resource route, after the route has
 * authorized the request. Video elements seek with Range requests, so single byte ranges get a 206;
 * the body is streamed from storage, never held in memory.
 *
 * Ranges follow RFC 9110 §14: `bytes=a-b`, `bytes=a-` and `bytes=-n` (an end past the object is
 * clamped). A malformed byte range, or one that starts past the end, gets 416 with a
 * Content-Range of "bytes *" over the size. A request for several ranges is answered with the whole object
 * (200), which the RFC allows and which spares us multipart/byteranges bodies that no media player
 * asks for. A Range in another unit, or one sent with If-Range (we issue no validators it could
 * match), is ignored likewise.
 */
export async function serveObject(
  request: Request,
  storage: ObjectStorage,
  key: string,
  options: ServeObjectOptions = {},
): Promise<Response> {
  const object = await storage.head(key);
  if (!object) return notFound();

  const range = request.headers.has("If-Range")
    ? null
    : parseRangeHeader(request.headers.get("Range"), object.size);
  if (range === "unsatisfiable") {
    return new Response(request.method === "HEAD" ? null : "Range Not Satisfiable", {
      status: 416,
      headers: {
        "Content-Range": `bytes */${object.size}`,
        "Accept-Ranges": "bytes",
        "Content-Type": "text/plain; charset=utf-8",
        "Cache-Control": "no-store",
      },
    });
  }

  const headers = new Headers({
    "Accept-Ranges": "bytes",
    "Content-Type": options.contentType ?? object.contentType,
    "Cache-Control": options.cacheControl ?? DEFAULT_CACHE_CONTROL,
    "Content-Length": String(range ? range.end - range.start + 1 : object.size),
  });
  if (range) headers.set("Content-Range", `bytes ${range.start}-${range.end}/${object.size}`);
  if (options.downloadName !== undefined) {
    headers.set("Content-Disposition", attachmentDisposition(options.downloadName));
  }
  const status = range ? 206 : 200;
  if (request.method === "HEAD") return new Response(null, { status, headers });

  let body: Readable;
  try {
    body = await storage.read(key, range ?? undefined);
  } catch (error) {
    // Deleted between head and read.
    if (error instanceof ObjectNotFoundError) return notFound();
    throw error;
  }
  // Readable.toWeb keeps backpressure, and cancelling the web stream (the client went away)
  // destroys the node stream, which closes the file or the S3 connection.
  const stream = Readable.toWeb(body) as NodeWebReadableStream<Uint8Array>;
  return new Response(stream as unknown as ReadableStream<Uint8Array>, { status, headers });
}

/**
 * The range to serve: null for the whole object, or "unsatisfiable" for a 416. Exported for
 * unit tests of the edge cases.
 */
export function parseRangeHeader(
  header: string | null,
  size: number,
): ByteRange | null | "unsatisfiable" {
  if (header === null) return null;
  const equals = header.indexOf("=");
  if (equals === -1) return "unsatisfiable";
  // RFC 9110 §14.2: a range unit the server does not understand is ignored, not refused.
  if (header.slice(0, equals).trim().toLowerCase() !== "bytes") return null;

  // Empty list elements ("0-1, ,") are allowed by the list syntax and mean nothing.
  const specs = header
    .slice(equals + 1)
    .split(",")
    .map((spec) => spec.trim())
    .filter((spec) => spec !== "");
  const ranges: Array<ByteRange | "unsatisfiable"> = [];
  for (const spec of specs) {
    const match = /^(\d*)-(\d*)$/.exec(spec);
    if (!match) return "unsatisfiable";
    const [, first = "", last = ""] = match;
    if (first === "" && last === "") return "unsatisfiable";
    if (first === "") {
      // Suffix: the last n bytes, or the whole object when it is shorter than n.
      const suffix = Number(last);
      ranges.push(
        suffix === 0 || size === 0
          ? "unsatisfiable"
          : { start: Math.max(0, size - suffix), end: size - 1 },
      );
      continue;
    }
    const start = Number(first);
    const end = last === "" ? size - 1 : Number(last);
    if (end < start && last !== "") return "unsatisfiable";
    ranges.push(start >= size ? "unsatisfiable" : { start, end: Math.min(end, size - 1) });
  }

  if (ranges.length === 0) return "unsatisfiable";
  if (ranges.length > 1) {
    return ranges.every((range) => range === "unsatisfiable") ? "unsatisfiable" : null;
  }
  return ranges[0]!;
}

function notFound() {
  return new Response("Not found", {
    status: 404,
    headers: {
      "Content-Type": "text/plain; charset=utf-8",
      "Cache-Control": "no-store",
    },
  });
}

/**
 * `attachment` with the name twice: an ASCII-only `filename` for old clients and an RFC 8187
 * `filename*` for the real one. The name loses what could break the header or mislead the person
 * saving it: quotes and backslashes, control characters, path separators, leading dots and
 * bidirectional overrides (which make "clip\u202Egpj.exe" read as "clipexe.jpg").
 */
export function attachmentDisposition(name: string): string {
  const cleaned = Array.from(
    name
      .normalize("NFC")
      // eslint-disable-next-line no-control-regex
      .replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069"\\]/g, "")
      .replace(/[/:]/g, "_")
      .trim()
      .replace(/^[.\s]+/, ""),
  )
    .slice(0, 150)
    .join("")
    .trim();
  const safe = cleaned === "" ? "download" : cleaned;
  // "%" too: some browsers percent-decode the plain filename parameter.
  const ascii = safe.replace(/[^\x20-\x7e]|%/g, "_");
  const encoded = encodeURIComponent(safe).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}

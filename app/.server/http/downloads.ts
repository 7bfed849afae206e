import { createReadStream } from "node:fs";
import { Readable } from "node:stream";
import type { ReadableStream as NodeWebReadableStream } from "node:stream/web";
import { UserError } from "../errors";
import { attachmentDisposition } from "../storage/serve";

// Answers that are not pages: downloads (CSV, files made for one download) and the plain-text
// refusals of the routes that send them. Domains say what to send (the text and its file name; a
// file, its size, type and download name, and how to clean it up); these build the Response.
// Stored media with Range requests is the storage adapter's HTTP side (storage/serve.ts).

/** What a private download is: its type, the name it is saved under, its size when known. */
export type Download = { contentType: string; downloadName: string; sizeBytes?: number };

/** A file made for one download, and what removes it once it was sent. */
export type FileDownload = Download & {
  filePath: string;
  sizeBytes: number;
  /** Removes the file (and its folder); called once the response closed. */
  dispose: () => Promise<void>;
};

/** Headers of a private download that no cache keeps. */
export function downloadHeaders({ contentType, downloadName, sizeBytes }: Download) {
  const headers = new Headers({
    "Content-Type": contentType,
    "Content-Disposition": attachmentDisposition(downloadName),
    "Cache-Control": "private, no-store",
  });
  if (sizeBytes !== undefined) headers.set("Content-Length", String(sizeBytes));
  return headers;
}

/**
 * Streams a file made for one download and disposes of it once the stream closes: sent in full,
 * failed, or cancelled because the client went away.
 */
export function fileResponse(file: FileDownload): Response {
  const stream = createReadStream(file.filePath);
  stream.once("close", () => {
    void file.dispose();
  });
  const body = Readable.toWeb(stream) as NodeWebReadableStream<Uint8Array>;
  return new Response(body as unknown as ReadableStream<Uint8Array>, {
    status: 200,
    headers: downloadHeaders(file),
  });
}

/** A CSV download that no cache keeps. */
export function csvResponse(name: string, body: string) {
  return new Response(body, {
    headers: {
      "Content-Type": "text/csv; charset=utf-8",
      "Content-Disposition": `attachment; filename="${name}"`,
      "Cache-Control": "private, no-store",
    },
  });
}

/**
 * A refusal in plain text, for routes that answer with a file or data rather than a page: the
 * UserError's status and message, with `headers` and its own (Retry-After) over them.
 */
export function plainRefusal(error: UserError, headers: Record<string, string> = {}) {
  return new Response(error.message, {
    status: error.status,
    headers: { ...headers, ...error.headers },
  });
}

/**
 * A resource route's domain call and its answer: `send` what the domain returned, or answer a
 * UserError with `refuse` (a plain-text refusal by default). Anything else is our bug and stays a
 * 500.
 */
export async function sendOrRefuse<T>(
  load: () => Promise<T>,
  send: (value: T) => Response | Promise<Response>,
  refuse: (error: UserError) => Response = (error) => plainRefusal(error),
): Promise<Response> {
  let value: T;
  try {
    value = await load();
  } catch (error) {
    if (error instanceof UserError) return refuse(error);
    throw error;
  }
  return send(value);
}

/** A text file made for one download (an export): its type and name, no cache keeps it. */
export function textDownload(file: { body: string; contentType: string; filename: string }) {
  return new Response(file.body, {
    status: 200,
    headers: downloadHeaders({ contentType: file.contentType, downloadName: file.filename }),
  });
}

import { unstable_parseMultipartFormData, type UploadHandler } from "@remix-run/node";
import { mkdtemp, open, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { UserError } from "./errors";
import { UNSTORABLE_MESSAGE } from "./http";

// The HTTP side of a file upload: a multipart body received with streaming limits into a private
// temporary folder, removed when the work on the file is done. Domains get a path on disk, never
// a Request.

/** Room for the multipart framing and a few small fields around the file. */
const MULTIPART_OVERHEAD_BYTES = 64 * 1024;
/** A form field that is not the file: anything bigger than this is not from our page. */
const MAX_FIELD_BYTES = 8 * 1024;
const MAX_PARTS = 10;

export type UploadOptions = {
  /** The form field that carries the file. */
  field: string;
  maxBytes: number;
  /** How the person is told the file is too large, no file was chosen, or it was not a form. */
  tooLarge: () => UserError;
  noFile: () => UserError;
  /** Refuses a file by its first bytes while it arrives (e.g. not an MP4), or lets it through. */
  firstBytes?: { count: number; refuse: (head: Uint8Array) => UserError | null };
  /** Where the private folder is made; the system's temporary directory by default. */
  tmpRoot?: string;
  /** The folder's name prefix, so a look in the temporary directory says whose it is. */
  prefix: string;
};

const badUpload = (field: string) =>
  new UserError(
    "The upload did not arrive as a file form, or arrived incomplete. Please try again.",
    400,
    field,
  );

/**
 * Receives the request's file and hands its path to `use`, then removes it whatever happened. A
 * declared length over the limit is refused before a byte is read; the file part may not exceed
 * `maxBytes`, other fields are tiny (and, like every field, may not hold NUL), and the body as a
 * whole is counted too, so no part, header or field can grow without bound in memory.
 */
export async function withUpload<T>(
  request: Request,
  options: UploadOptions,
  use: (filePath: string) => Promise<T>,
): Promise<T> {
  const type = (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
  if (type !== "multipart/form-data")
    throw new UserError(
      "This page takes a form with a file (sent by its own button), not other kinds of data.",
      415,
      "form",
    );
  const declared = Number(request.headers.get("content-length") ?? "");
  if (Number.isFinite(declared) && declared > options.maxBytes + MULTIPART_OVERHEAD_BYTES)
    throw options.tooLarge();
  const dir = await mkdtemp(path.join(options.tmpRoot ?? os.tmpdir(), options.prefix));
  try {
    return await use(await receive(request, dir, options));
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

async function receive(request: Request, dir: string, options: UploadOptions) {
  if (!request.body) throw options.noFile();
  const bodyLimit = options.maxBytes + MULTIPART_OVERHEAD_BYTES;
  let total = 0;
  const counted = request.body.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        total += chunk.byteLength;
        if (total > bodyLimit) controller.error(options.tooLarge());
        else controller.enqueue(chunk);
      },
    }),
  );
  const limited = new Request(request.url, {
    method: request.method,
    headers: request.headers,
    body: counted,
    duplex: "half",
  } as RequestInit);

  let saved: { path: string; size: number; named: boolean } | null = null;
  let parts = 0;
  const handler: UploadHandler = async ({ name, filename, data }) => {
    if (++parts > MAX_PARTS) throw badUpload(options.field);
    if (name === options.field && typeof filename === "string" && saved === null) {
      // Our own name: the person's file name never reaches the disk or any tool.
      const target = path.join(dir, "upload");
      const handle = await open(target, "wx");
      let size = 0;
      const head: number[] = [];
      const wanted = options.firstBytes?.count ?? 0;
      try {
        for await (const chunk of data) {
          size += chunk.byteLength;
          if (size > options.maxBytes) throw options.tooLarge();
          // Refuse a file as soon as its first bytes show what it is.
          if (head.length < wanted) {
            head.push(...chunk.subarray(0, wanted - head.length));
            const refused =
              head.length >= wanted ? options.firstBytes!.refuse(Uint8Array.from(head)) : null;
            if (refused) throw refused;
          }
          await handle.write(chunk);
        }
      } finally {
        await handle.close();
      }
      saved = { path: target, size, named: filename !== "" };
      return undefined;
    }
    // Any other field is read and dropped (an unread part would be buffered in memory), but a
    // NUL in it is refused like in any form (readForm).
    const chunks: Uint8Array[] = [];
    let size = 0;
    for await (const chunk of data) {
      size += chunk.byteLength;
      if (size > MAX_FIELD_BYTES) throw badUpload(options.field);
      chunks.push(chunk);
    }
    if (Buffer.concat(chunks).includes(0) || name.includes("\u0000"))
      throw new UserError(UNSTORABLE_MESSAGE, 400, name.includes("\u0000") ? "form" : name);
    return undefined;
  };

  try {
    await unstable_parseMultipartFormData(limited, handler);
  } catch (error) {
    if (error instanceof UserError) throw error;
    // A malformed body, or a client that went away mid-upload.
    if (
      (error instanceof TypeError && /parse content as FormData/.test(error.message)) ||
      (error instanceof Error && /^malformed multipart|^aborted$/i.test(error.message)) ||
      request.signal.aborted
    )
      throw badUpload(options.field);
    throw error;
  }
  const file = saved as { path: string; size: number; named: boolean } | null;
  // A form sent with no file chosen carries an empty part without a name.
  if (!file || (file.size === 0 && !file.named)) throw options.noFile();
  return file.path;
}

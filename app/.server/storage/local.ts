import { randomBytes } from "node:crypto";
import { constants, createWriteStream } from "node:fs";
import {
  access,
  copyFile,
  type FileHandle,
  mkdir,
  open,
  readdir,
  readFile,
  rename,
  rm,
  stat,
} from "node:fs/promises";
import path from "node:path";
import { pipeline } from "node:stream/promises";
import {
  assertByteRange,
  assertObjectKey,
  InvalidObjectKeyError,
  isObjectKey,
  ObjectNotFoundError,
  type ListedObject,
  type ObjectStorage,
} from "./storage";

// The local driver keeps each object as a plain file at `<root>/<key>` and its content type in a
// sidecar `<root>/<key>.meta.json`.
//
// Why a sidecar rather than deriving the type from the extension: `head` must return the type
// that `putFile` was given, as S3 does, so both drivers pass the same contract tests and a caller
// that stores e.g. "video/mp4; codecs=avc1" gets it back. The data file alone decides whether the
// object exists; the sidecar is written before it and removed after it, and if the sidecar is ever
// missing (a crash between the two steps) the type falls back to the one the extension implies.

const TYPE_BY_EXTENSION: Record<string, string> = { mp4: "video/mp4", jpg: "image/jpeg" };

export function createLocalStorage(root: string): ObjectStorage {
  const base = path.resolve(root);

  function pathFor(key: string): string {
    assertObjectKey(key);
    const full = path.join(base, ...key.split("/"));
    // The key pattern already rules out "..", but a second check costs nothing.
    if (!full.startsWith(base + path.sep)) throw new InvalidObjectKeyError(key);
    return full;
  }

  async function openExisting(key: string): Promise<FileHandle> {
    try {
      return await open(pathFor(key), "r");
    } catch (error) {
      if (isNotFound(error)) throw new ObjectNotFoundError(key);
      throw error;
    }
  }

  async function read(key: string, range?: { start: number; end: number }) {
    if (range) assertByteRange(range);
    // Opening before streaming turns a missing file into a rejected promise instead of a stream
    // error, and keeps the bytes readable even if the object is deleted while it is being served.
    const handle = await openExisting(key);
    try {
      if (range) {
        const { size } = await handle.stat();
        if (range.start >= size) {
          throw new RangeError(
            `Byte range ${range.start}-${range.end} starts past the end (${size})`,
          );
        }
      }
      // autoClose (the default) closes the handle when the stream ends or is destroyed.
      return handle.createReadStream(range ? { start: range.start, end: range.end } : {});
    } catch (error) {
      await handle.close();
      throw error;
    }
  }

  return {
    kind: "local",

    async putFile(key, filePath, contentType) {
      const target = pathFor(key);
      await mkdir(path.dirname(target), { recursive: true });
      await writeFileAtomically(target, async (temp) => {
        await copyFile(filePath, temp, constants.COPYFILE_EXCL);
        // Only once the bytes are in hand, so a failed copy leaves no orphan sidecar behind.
        await writeFileAtomically(metaPath(target), (metaTemp) =>
          writeNewFile(metaTemp, JSON.stringify({ contentType })),
        );
      });
    },

    async head(key) {
      const target = pathFor(key);
      try {
        const stats = await stat(target);
        if (!stats.isFile()) return null;
        return { size: stats.size, contentType: await readContentType(target, key) };
      } catch (error) {
        if (isNotFound(error)) return null;
        throw error;
      }
    },

    read,

    async download(key, filePath) {
      const source = await read(key);
      await writeFileAtomically(path.resolve(filePath), (temp) =>
        pipeline(source, createWriteStream(temp, { flags: "wx" })),
      );
    },

    async delete(key) {
      const target = pathFor(key);
      await rm(target, { force: true });
      await rm(metaPath(target), { force: true });
    },

    async *list(prefix): AsyncIterable<ListedObject> {
      const folder = path.join(base, ...prefix.split("/").filter(Boolean));
      let names: string[];
      try {
        names = await readdir(folder);
      } catch (error) {
        if (isNotFound(error)) return;
        throw error;
      }
      for (const name of names) {
        const key = `${prefix.replace(/\/?$/, "/")}${name}`;
        // Sidecars and unfinished writes are not objects.
        if (!isObjectKey(key)) continue;
        const info = await stat(path.join(folder, name)).catch(() => null);
        if (info?.isFile()) yield { key, lastModified: info.mtime };
      }
    },

    async ping() {
      await mkdir(base, { recursive: true });
      await access(base, constants.R_OK | constants.W_OK);
    },
  };
}

/**
 * Produces `target` through a temporary file in the same folder and a rename, so readers (and a
 * crash) see either the old file or the whole new one, never a partial write. Same folder because
 * rename is only atomic within one file system.
 */
export async function writeFileAtomically(
  target: string,
  write: (tempPath: string) => Promise<void>,
): Promise<void> {
  const temp = path.join(
    path.dirname(target),
    `.${path.basename(target)}.${randomBytes(8).toString("hex")}.tmp`,
  );
  try {
    await write(temp);
    // Flush before renaming: otherwise a power loss can leave the new name on an empty file.
    const handle = await open(temp, "r+");
    try {
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, target);
  } catch (error) {
    await rm(temp, { force: true });
    throw error;
  }
}

function metaPath(target: string) {
  return `${target}.meta.json`;
}

async function writeNewFile(filePath: string, text: string) {
  const handle = await open(filePath, "wx");
  try {
    await handle.writeFile(text);
  } finally {
    await handle.close();
  }
}

async function readContentType(target: string, key: string): Promise<string> {
  try {
    const meta: unknown = JSON.parse(await readFile(metaPath(target), "utf8"));
    if (
      typeof meta === "object" &&
      meta !== null &&
      "contentType" in meta &&
      typeof meta.contentType === "string"
    ) {
      return meta.contentType;
    }
  } catch (error) {
    if (!isNotFound(error) && !(error instanceof SyntaxError)) throw error;
  }
  return TYPE_BY_EXTENSION[path.extname(key).slice(1)] ?? "application/octet-stream";
}

function isNotFound(error: unknown): boolean {
  return (error as NodeJS.ErrnoException | null)?.code === "ENOENT";
}

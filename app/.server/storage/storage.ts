import type { Readable } from "node:stream";

// Media lives behind this interface: a local folder by default, any S3-compatible bucket in
// production. Keys are random (see newObjectKey), never derived from user input, and objects are
// served only through authorized routes: there are no public URLs.

export type StoredObject = {
  size: number;
  contentType: string;
};

export type ByteRange = { start: number; end: number }; // inclusive, like HTTP

export interface ObjectStorage {
  readonly kind: "local" | "s3";
  /** Stores a local file under `key`. */
  putFile(key: string, filePath: string, contentType: string): Promise<void>;
  /** Size and type, or null when there is no such object. */
  head(key: string): Promise<StoredObject | null>;
  /**
   * A stream of the object's bytes, or of `range` only. Rejects with ObjectNotFoundError when the
   * object is missing and with RangeError when `range` is malformed or starts past the end.
   */
  read(key: string, range?: ByteRange): Promise<Readable>;
  /**
   * Copies the object into a local file (for re-processing with ffmpeg). The file appears complete
   * or not at all. Rejects with ObjectNotFoundError when the object is missing.
   */
  download(key: string, filePath: string): Promise<void>;
  /** Removes the object; removing a missing object is not an error (as in S3). */
  delete(key: string): Promise<void>;
  /**
   * Every object whose key starts with `prefix` (a folder, e.g. "clips/"), with when it was
   * written, in pages as the store gives them. For sweeps, never for serving.
   */
  list(prefix: string): AsyncIterable<ListedObject>;
  /** Resolves when the store answers (the folder is there; the bucket exists and we may use it). */
  ping(): Promise<void>;
}

export type ListedObject = { key: string; lastModified: Date };

// Every key has this shape (see newObjectKey). Drivers refuse anything else, so a bug that lets a
// user-supplied string reach storage cannot become a path traversal or an arbitrary bucket key.
export const OBJECT_KEY_PREFIXES = ["clips", "posters", "masters", "references"] as const;
export const OBJECT_KEY_EXTENSIONS = ["mp4", "jpg", "png"] as const;
export type ObjectKeyPrefix = (typeof OBJECT_KEY_PREFIXES)[number];
export type ObjectKeyExtension = (typeof OBJECT_KEY_EXTENSIONS)[number];

const OBJECT_KEY_PATTERN = new RegExp(
  `^(?:${OBJECT_KEY_PREFIXES.join("|")})/[0-9a-f]{32}\\.(?:${OBJECT_KEY_EXTENSIONS.join("|")})$`,
);

export function isObjectKey(key: string): boolean {
  return OBJECT_KEY_PATTERN.test(key);
}

export class InvalidObjectKeyError extends Error {
  constructor(key: string) {
    // JSON.stringify so control characters in a hostile key cannot forge log lines.
    super(`Not a storage object key: ${JSON.stringify(key.slice(0, 200))}`);
    this.name = "InvalidObjectKeyError";
  }
}

export function assertObjectKey(key: string): void {
  if (!isObjectKey(key)) throw new InvalidObjectKeyError(key);
}

/** Thrown by read and download when the object does not exist (head answers null instead). */
export class ObjectNotFoundError extends Error {
  constructor(readonly key: string) {
    super(`No stored object ${key}`);
    this.name = "ObjectNotFoundError";
  }
}

/**
 * Checks the shape of a `read` range: whole numbers, 0 <= start <= end. An end past the object is
 * clamped (as S3 does); a start past the end makes `read` throw a RangeError in every driver.
 */
export function assertByteRange(range: ByteRange): void {
  const { start, end } = range;
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || start < 0 || end < start) {
    throw new RangeError(`Invalid byte range ${start}-${end}`);
  }
}

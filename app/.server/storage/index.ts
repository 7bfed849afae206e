import { randomBytes } from "node:crypto";
import { createLocalStorage } from "./local";
import { createS3Storage, type S3Config } from "./s3";
import type { ObjectKeyExtension, ObjectKeyPrefix, ObjectStorage } from "./storage";

export { createLocalStorage } from "./local";
export { createS3Storage, type S3Config } from "./s3";
export { serveObject, type ServeObjectOptions } from "./serve";
export {
  assertObjectKey,
  type ByteRange,
  InvalidObjectKeyError,
  isObjectKey,
  type ObjectKeyExtension,
  type ObjectKeyPrefix,
  ObjectNotFoundError,
  type ObjectStorage,
  type StoredObject,
} from "./storage";

export type StorageConfig = { driver: "local"; root: string } | ({ driver: "s3" } & S3Config);

/**
 * A fresh key such as `clips/<32 hex>.mp4`: 128 random bits, so keys cannot be guessed or
 * enumerated, and nothing in them comes from a user (no names, no ids, no path characters).
 */
export function newObjectKey(prefix: ObjectKeyPrefix, extension: ObjectKeyExtension): string {
  return `${prefix}/${randomBytes(16).toString("hex")}.${extension}`;
}

export function createStorage(config: StorageConfig): ObjectStorage {
  if (config.driver === "local") return createLocalStorage(config.root);
  const { driver: _driver, ...s3 } = config;
  return createS3Storage(s3);
}

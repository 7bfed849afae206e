import { createReadStream, createWriteStream } from "node:fs";
import { stat } from "node:fs/promises";
import path from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import {
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  ListObjectsV2Command,
  PutObjectCommand,
  S3Client,
  S3ServiceException,
} from "@aws-sdk/client-s3";
import { writeFileAtomically } from "./local";
import {
  assertByteRange,
  assertObjectKey,
  type ByteRange,
  isObjectKey,
  type ListedObject,
  ObjectNotFoundError,
  type ObjectStorage,
} from "./storage";

export type S3Config = {
  bucket: string;
  region: string;
  /** For S3-compatible services (MinIO, R2, B2, Ceph…); omit for AWS. */
  endpoint?: string;
  /** Omit both to use the SDK's default chain (environment, profile, instance role). */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `https://endpoint/bucket/key` instead of `https://bucket.endpoint/key`; most self-hosted
   * services need it. */
  forcePathStyle?: boolean;
};

// Uploads are attempted this many times. The SDK cannot retry a PutObject whose body is a stream it
// has already consumed, so the driver retries the whole upload with a fresh file stream instead.
const PUT_ATTEMPTS = 3;

export function createS3Storage(config: S3Config): ObjectStorage {
  const client = new S3Client({
    region: config.region,
    endpoint: config.endpoint,
    forcePathStyle: config.forcePathStyle ?? false,
    credentials:
      config.accessKeyId && config.secretAccessKey
        ? { accessKeyId: config.accessKeyId, secretAccessKey: config.secretAccessKey }
        : undefined,
    // Since 3.729 the SDK adds a CRC32 to every upload, which for a stream means an "aws-chunked"
    // body with a trailing checksum. Several S3-compatible services reject that encoding, so we
    // checksum only where the API requires it and send plain bodies with a Content-Length.
    requestChecksumCalculation: "WHEN_REQUIRED",
    responseChecksumValidation: "WHEN_REQUIRED",
  });
  const Bucket = config.bucket;

  async function getObject(key: string, range?: ByteRange): Promise<Readable> {
    assertObjectKey(key);
    if (range) assertByteRange(range);
    try {
      const output = await client.send(
        new GetObjectCommand({
          Bucket,
          Key: key,
          Range: range ? `bytes=${range.start}-${range.end}` : undefined,
        }),
      );
      // In Node the body is the http response itself (an IncomingMessage), so it streams.
      if (!(output.Body instanceof Readable)) {
        throw new Error(`S3 GetObject ${key} returned no readable body`);
      }
      return output.Body;
    } catch (error) {
      if (statusOf(error) === 404) throw new ObjectNotFoundError(key);
      if (statusOf(error) === 416 && range) {
        throw new RangeError(
          `Byte range ${range.start}-${range.end} starts past the end of ${key}`,
        );
      }
      throw error;
    }
  }

  return {
    kind: "s3",

    async putFile(key, filePath, contentType) {
      assertObjectKey(key);
      const { size } = await stat(filePath);
      for (let attempt = 1; ; attempt++) {
        const body = createReadStream(filePath);
        try {
          // An explicit ContentLength lets the SDK send the stream as it is read, without
          // buffering the file to measure it.
          await client.send(
            new PutObjectCommand({
              Bucket,
              Key: key,
              Body: body,
              ContentLength: size,
              ContentType: contentType,
            }),
          );
          return;
        } catch (error) {
          if (attempt >= PUT_ATTEMPTS || !isRetryable(error)) throw error;
          await sleep(100 * 2 ** attempt);
        } finally {
          body.destroy();
        }
      }
    },

    async head(key) {
      assertObjectKey(key);
      try {
        const output = await client.send(new HeadObjectCommand({ Bucket, Key: key }));
        return {
          size: output.ContentLength ?? 0,
          contentType: output.ContentType ?? "application/octet-stream",
        };
      } catch (error) {
        // A HEAD response has no body, so the SDK can only report "NotFound" with status 404.
        if (statusOf(error) === 404) return null;
        throw error;
      }
    },

    read: getObject,

    async download(key, filePath) {
      const body = await getObject(key);
      await writeFileAtomically(path.resolve(filePath), (temp) =>
        pipeline(body, createWriteStream(temp, { flags: "wx" })),
      );
    },

    async delete(key) {
      assertObjectKey(key);
      // S3 answers 204 whether or not the key existed, which is the contract we want.
      await client.send(new DeleteObjectCommand({ Bucket, Key: key }));
    },

    async *list(prefix): AsyncIterable<ListedObject> {
      let ContinuationToken: string | undefined;
      do {
        const page = await client.send(
          new ListObjectsV2Command({ Bucket, Prefix: prefix, ContinuationToken }),
        );
        for (const object of page.Contents ?? [])
          if (object.Key && isObjectKey(object.Key))
            yield { key: object.Key, lastModified: object.LastModified ?? new Date(0) };
        ContinuationToken = page.IsTruncated ? page.NextContinuationToken : undefined;
      } while (ContinuationToken);
    },

    async ping() {
      await client.send(new HeadBucketCommand({ Bucket }));
    },
  };
}

function statusOf(error: unknown): number | undefined {
  return error instanceof S3ServiceException ? error.$metadata.httpStatusCode : undefined;
}

// Connection failures worth another attempt: the request may never have reached S3.
const TRANSIENT_NETWORK_CODES = new Set(["ECONNRESET", "ECONNREFUSED", "EPIPE", "ETIMEDOUT"]);

function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  if (status !== undefined) return status >= 500 || status === 429;
  const { code, name } = (error ?? {}) as { code?: string; name?: string };
  return TRANSIENT_NETWORK_CODES.has(code ?? "") || name === "TimeoutError";
}

function sleep(ms: number) {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

import { createHash, createHmac } from "node:crypto";
import { createServer, type IncomingHttpHeaders, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";

export type RecordedS3Request = {
  method: string;
  /** The request path as sent, e.g. `/media/clips/<hex>.mp4`. */
  path: string;
  /** The object key decoded from the path ("" for a bucket-level request). */
  key: string;
  headers: IncomingHttpHeaders;
  bodyLength: number;
  /** The status the fake answered with. */
  status: number;
};

export type FakeS3Object = { body: Buffer; contentType: string; etag: string; lastModified: Date };

export type FakeS3 = {
  endpoint: string;
  bucket: string;
  region: string;
  accessKeyId: string;
  secretAccessKey: string;
  requests: RecordedS3Request[];
  objects: Map<string, FakeS3Object>;
  /** The next `count` requests are answered with `status` (503 SlowDown by default). */
  failNextRequests(count: number, status?: number): void;
  stop(): Promise<void>;
};

/**
 * A local stand-in for the S3 REST API, limited to what our driver uses: path-style PutObject,
 * HeadObject, GetObject (with a single Range), DeleteObject, HeadBucket and ListObjectsV2 (with
 * prefix, max-keys and continuation tokens) on one bucket, kept in memory.
 *
 * It follows the documented contract where the driver could get it wrong: every request must carry
 * a valid Signature Version 4 `Authorization` header for the configured key (403
 * SignatureDoesNotMatch otherwise), a signed payload hash must match the body, a PUT must declare
 * its Content-Length (411 MissingContentLength, as S3 refuses chunked uploads), missing keys are
 * 404 NoSuchKey XML (HEAD: 404 without a body), and a range that starts past the end is 416
 * InvalidRange. Every request is recorded so tests can inspect what was sent.
 */
export async function startFakeS3(
  options: {
    bucket?: string;
    region?: string;
    accessKeyId?: string;
    secretAccessKey?: string;
  } = {},
): Promise<FakeS3> {
  const bucket = options.bucket ?? "greenroom-media";
  const region = options.region ?? "eu-west-1";
  const accessKeyId = options.accessKeyId ?? "AKIAFAKES3TESTKEY";
  const secretAccessKey = options.secretAccessKey ?? "fake-s3-secret-access-key";
  const requests: RecordedS3Request[] = [];
  const objects = new Map<string, FakeS3Object>();
  let failures = { count: 0, status: 503 };
  // Small pages, so a listing that does not follow continuation tokens misses objects.
  const listPageSize = 2;

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (chunk: Buffer) => chunks.push(chunk));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const url = new URL(req.url ?? "/", "http://fake-s3");
      const [, pathBucket = "", ...keyParts] = url.pathname.split("/");
      const key = keyParts.map(decodeURIComponent).join("/");
      const reply = (
        status: number,
        headers: Record<string, string | number>,
        payload?: Buffer,
      ) => {
        requests.push({
          method: req.method ?? "",
          path: url.pathname,
          key,
          headers: req.headers,
          bodyLength: body.length,
          status,
        });
        res.writeHead(status, { "x-amz-request-id": `fake-${requests.length}`, ...headers });
        res.end(req.method === "HEAD" ? undefined : payload);
      };
      const replyError = (status: number, code: string, message: string) =>
        reply(status, { "content-type": "application/xml" }, errorXml(code, message, url.pathname));

      if (failures.count > 0) {
        failures.count--;
        return replyError(failures.status, "SlowDown", "Please reduce your request rate.");
      }
      const authProblem = checkSignature(req, url, body, { accessKeyId, secretAccessKey, region });
      if (authProblem) return replyError(403, authProblem.code, authProblem.message);
      if (pathBucket !== bucket) {
        return replyError(404, "NoSuchBucket", "The specified bucket does not exist");
      }
      if (!key && req.method === "HEAD") return reply(200, { "x-amz-bucket-region": region });
      if (!key && req.method === "GET" && url.searchParams.get("list-type") === "2") {
        const prefix = url.searchParams.get("prefix") ?? "";
        const max = Number(url.searchParams.get("max-keys") ?? 1000);
        const after = url.searchParams.get("continuation-token") ?? "";
        const keys = [...objects.keys()].filter((k) => k.startsWith(prefix) && k > after).sort();
        const page = keys.slice(0, Math.min(max, listPageSize));
        const truncated = keys.length > page.length;
        const xml = [
          '<?xml version="1.0" encoding="UTF-8"?>',
          '<ListBucketResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">',
          `<Name>${bucket}</Name><Prefix>${prefix}</Prefix><KeyCount>${page.length}</KeyCount>`,
          `<MaxKeys>${max}</MaxKeys><IsTruncated>${truncated}</IsTruncated>`,
          ...page.map((k) => {
            const o = objects.get(k)!;
            return `<Contents><Key>${k}</Key><LastModified>${o.lastModified.toISOString()}</LastModified><ETag>${o.etag.replace(/"/g, "&quot;")}</ETag><Size>${o.body.length}</Size><StorageClass>STANDARD</StorageClass></Contents>`;
          }),
          truncated ? `<NextContinuationToken>${page.at(-1)}</NextContinuationToken>` : "",
          "</ListBucketResult>",
        ].join("");
        return reply(200, { "content-type": "application/xml" }, Buffer.from(xml));
      }
      if (!key) return replyError(501, "NotImplemented", "Only object operations are faked");

      switch (req.method) {
        case "PUT": {
          const declared = req.headers["content-length"];
          if (declared === undefined) {
            return replyError(411, "MissingContentLength", "You must provide the Content-Length");
          }
          if (Number(declared) !== body.length) {
            return replyError(400, "IncompleteBody", "Fewer bytes than Content-Length");
          }
          const etag = `"${createHash("md5").update(body).digest("hex")}"`;
          objects.set(key, {
            body,
            contentType: req.headers["content-type"] ?? "binary/octet-stream",
            etag,
            lastModified: new Date(),
          });
          return reply(200, { etag });
        }
        case "HEAD":
        case "GET": {
          const object = objects.get(key);
          if (!object) return replyError(404, "NoSuchKey", "The specified key does not exist.");
          const size = object.body.length;
          const headers = {
            "content-type": object.contentType,
            etag: object.etag,
            "last-modified": object.lastModified.toUTCString(),
            "accept-ranges": "bytes",
          };
          const range = parseRange(req.headers.range, size);
          if (range === "unsatisfiable") {
            return replyError(416, "InvalidRange", "The requested range is not satisfiable");
          }
          if (range) {
            const slice = object.body.subarray(range.start, range.end + 1);
            return reply(
              206,
              {
                ...headers,
                "content-length": slice.length,
                "content-range": `bytes ${range.start}-${range.end}/${size}`,
              },
              slice,
            );
          }
          return reply(200, { ...headers, "content-length": size }, object.body);
        }
        case "DELETE":
          objects.delete(key);
          return reply(204, {});
        default:
          return replyError(405, "MethodNotAllowed", "The method is not allowed");
      }
    });
  });

  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    bucket,
    region,
    accessKeyId,
    secretAccessKey,
    requests,
    objects,
    failNextRequests(count, status = 503) {
      failures = { count, status };
    },
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}

export function stopFakeS3(fake: FakeS3): Promise<void> {
  return fake.stop();
}

// S3 honours one range of the forms a-b, a- and -n; anything else is ignored (full object).
function parseRange(header: string | undefined, size: number) {
  const match = header ? /^bytes=(\d*)-(\d*)$/.exec(header.trim()) : null;
  if (!match) return null;
  const [, first = "", last = ""] = match;
  if (first === "" && last === "") return null;
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable" as const;
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(first);
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  if (last !== "" && Number(last) < start) return null;
  if (start >= size) return "unsatisfiable" as const;
  return { start, end };
}

function errorXml(code: string, message: string, resource: string) {
  return Buffer.from(
    `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message>` +
      `<Resource>${resource}</Resource><RequestId>fake</RequestId></Error>`,
  );
}

/**
 * Verifies an AWS Signature Version 4 header-based signature, recomputing it from the request the
 * way S3 does (https://docs.aws.amazon.com/AmazonS3/latest/API/sig-v4-header-based-auth.html).
 * Returns null when the request is properly signed, otherwise the S3 error to answer with.
 */
function checkSignature(
  req: IncomingMessage,
  url: URL,
  body: Buffer,
  credentials: { accessKeyId: string; secretAccessKey: string; region: string },
): { code: string; message: string } | null {
  const authorization = req.headers.authorization;
  const amzDate = req.headers["x-amz-date"];
  const payloadHash = req.headers["x-amz-content-sha256"];
  if (!authorization || typeof amzDate !== "string" || typeof payloadHash !== "string") {
    return { code: "AccessDenied", message: "Missing Authorization, X-Amz-Date or payload hash" };
  }
  const match =
    /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/s3\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/.exec(
      authorization,
    );
  if (!match) return { code: "AuthorizationHeaderMalformed", message: "Malformed Authorization" };
  const [, keyId, date = "", region = "", signedHeaders = "", signature = ""] = match;
  if (keyId !== credentials.accessKeyId) {
    return { code: "InvalidAccessKeyId", message: "The AWS Access Key Id does not exist" };
  }
  if (region !== credentials.region || !amzDate.startsWith(date)) {
    return { code: "AuthorizationHeaderMalformed", message: "Wrong region or date in scope" };
  }
  if (!signedHeaders.split(";").includes("host")) {
    return { code: "AccessDenied", message: "The host header must be signed" };
  }
  if (/^[0-9a-f]{64}$/.test(payloadHash) && sha256Hex(body) !== payloadHash) {
    return { code: "XAmzContentSHA256Mismatch", message: "The payload hash does not match" };
  }

  const canonicalQuery = [...url.searchParams]
    .map(([name, value]) => [rfc3986(name), rfc3986(value)] as const)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, value]) => `${name}=${value}`)
    .join("&");
  const canonicalHeaders = signedHeaders
    .split(";")
    .map((name) => `${name}:${headerValue(req.headers[name]).trim().replace(/\s+/g, " ")}\n`)
    .join("");
  const canonicalRequest = [
    req.method,
    url.pathname, // S3 signs the path as sent, without encoding it a second time
    canonicalQuery,
    canonicalHeaders,
    signedHeaders,
    payloadHash,
  ].join("\n");
  const scope = `${date}/${region}/s3/aws4_request`;
  const stringToSign = ["AWS4-HMAC-SHA256", amzDate, scope, sha256Hex(canonicalRequest)].join("\n");
  const signingKey = ["s3", "aws4_request"].reduce(
    (key, part) => hmac(key, part),
    hmac(hmac(`AWS4${credentials.secretAccessKey}`, date), region),
  );
  if (createHmac("sha256", signingKey).update(stringToSign).digest("hex") !== signature) {
    return { code: "SignatureDoesNotMatch", message: "The request signature does not match" };
  }
  return null;
}

function headerValue(value: string | string[] | undefined): string {
  return Array.isArray(value) ? value.join(",") : (value ?? "");
}

function rfc3986(text: string) {
  return encodeURIComponent(text).replace(
    /[!'()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
}

function sha256Hex(data: Buffer | string) {
  return createHash("sha256").update(data).digest("hex");
}

function hmac(key: Buffer | string, data: string) {
  return createHmac("sha256", key).update(data).digest();
}

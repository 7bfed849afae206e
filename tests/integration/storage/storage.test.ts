import { randomBytes } from "node:crypto";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import type { Readable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import {
  createStorage,
  InvalidObjectKeyError,
  isObjectKey,
  newObjectKey,
  ObjectNotFoundError,
  type ObjectStorage,
  serveObject,
} from "~/.server/storage";
import { attachmentDisposition, parseRangeHeader } from "~/.server/storage/serve";
import { type FakeS3, startFakeS3, stopFakeS3 } from "../../support/fake-s3";

const SIZE = 250_000; // several stream chunks, so streaming and ranges cross chunk boundaries
const content = randomBytes(SIZE);
const KEY_SHAPE = /^(clips|posters|masters)\/[0-9a-f]{32}\.(mp4|jpg)$/;

let fake: FakeS3;
let workDir: string;
let sourceFile: string;

beforeAll(async () => {
  fake = await startFakeS3();
  workDir = await mkdtemp(path.join(tmpdir(), "greenroom-storage-"));
  sourceFile = path.join(workDir, "source.mp4");
  await writeFile(sourceFile, content);
});

afterAll(async () => {
  await stopFakeS3(fake);
  await rm(workDir, { recursive: true, force: true });
});

const mediaRoot = () => path.join(workDir, "media");

const s3Config = (overrides: { secretAccessKey?: string } = {}) => ({
  driver: "s3" as const,
  bucket: fake.bucket,
  region: fake.region,
  endpoint: fake.endpoint,
  accessKeyId: fake.accessKeyId,
  secretAccessKey: overrides.secretAccessKey ?? fake.secretAccessKey,
  forcePathStyle: true,
});

const drivers: Array<{ name: string; make: () => ObjectStorage }> = [
  { name: "local", make: () => createStorage({ driver: "local", root: mediaRoot() }) },
  { name: "s3", make: () => createStorage(s3Config()) },
];

async function collect(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

async function storeContent(storage: ObjectStorage, type = "video/mp4") {
  const key = newObjectKey("clips", "mp4");
  await storage.putFile(key, sourceFile, type);
  return key;
}

const hostileKeys = [
  "../source.mp4",
  "clips/../../source.mp4",
  "/etc/passwd",
  "clips//etc/passwd",
  "clips/ABCDEF0123456789abcdef0123456789.mp4", // upper case: not from newObjectKey
  "clips/0123456789abcdef0123456789abcdef.mp4/..",
  "clips/0123456789abcdef0123456789abcdef.exe",
  "avatars/0123456789abcdef0123456789abcdef.jpg",
  "clips/my holiday.mp4",
  "",
];

describe.each(drivers)("$name driver: storage contract", ({ make }) => {
  it("stores a file and reports its size and content type", async () => {
    const storage = make();
    const key = await storeContent(storage, "video/mp4; codecs=avc1");
    expect(await storage.head(key)).toEqual({ size: SIZE, contentType: "video/mp4; codecs=avc1" });
  });

  it("reads the whole object, a range, and clamps a range that ends past the object", async () => {
    const storage = make();
    const key = await storeContent(storage);
    expect((await collect(await storage.read(key))).equals(content)).toBe(true);
    const middle = await collect(await storage.read(key, { start: 70_000, end: 140_000 }));
    expect(middle.equals(content.subarray(70_000, 140_001))).toBe(true);
    const tail = await collect(await storage.read(key, { start: SIZE - 10, end: SIZE + 500 }));
    expect(tail.equals(content.subarray(SIZE - 10))).toBe(true);
  });

  it("refuses a range that starts past the end or is inverted", async () => {
    const storage = make();
    const key = await storeContent(storage);
    await expect(storage.read(key, { start: SIZE, end: SIZE + 10 })).rejects.toThrow(RangeError);
    await expect(storage.read(key, { start: 10, end: 5 })).rejects.toThrow(RangeError);
    await expect(storage.read(key, { start: -1, end: 5 })).rejects.toThrow(RangeError);
  });

  it("downloads into a local file, leaving no temporary file behind", async () => {
    const storage = make();
    const key = await storeContent(storage);
    const target = path.join(workDir, `download-${randomBytes(4).toString("hex")}`);
    await mkdir(target);
    await storage.download(key, path.join(target, "copy.mp4"));
    expect((await readFile(path.join(target, "copy.mp4"))).equals(content)).toBe(true);
    expect(await readdir(target)).toEqual(["copy.mp4"]);
  });

  it("deletes an object; afterwards head is null and reads are ObjectNotFoundError", async () => {
    const storage = make();
    const key = await storeContent(storage);
    await storage.delete(key);
    expect(await storage.head(key)).toBeNull();
    await expect(storage.read(key)).rejects.toBeInstanceOf(ObjectNotFoundError);
    const target = path.join(workDir, `never-${randomBytes(4).toString("hex")}.mp4`);
    await expect(storage.download(key, target)).rejects.toBeInstanceOf(ObjectNotFoundError);
    expect(existsSync(target)).toBe(false);
    await expect(storage.delete(key)).resolves.toBeUndefined(); // deleting twice is fine
  });

  it("answers null for a key that was never stored", async () => {
    expect(await make().head(newObjectKey("posters", "jpg"))).toBeNull();
  });

  it("stores nothing when the source file does not exist", async () => {
    const storage = make();
    const key = newObjectKey("masters", "mp4");
    await expect(
      storage.putFile(key, path.join(workDir, "missing.mp4"), "video/mp4"),
    ).rejects.toThrow();
    expect(await storage.head(key)).toBeNull();
  });

  it("refuses every key that newObjectKey could not have produced", async () => {
    const storage = make();
    const before = fake.requests.length;
    for (const key of hostileKeys) {
      await expect(storage.putFile(key, sourceFile, "video/mp4")).rejects.toBeInstanceOf(
        InvalidObjectKeyError,
      );
      await expect(storage.head(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(storage.read(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
      await expect(storage.download(key, path.join(workDir, "x"))).rejects.toBeInstanceOf(
        InvalidObjectKeyError,
      );
      await expect(storage.delete(key)).rejects.toBeInstanceOf(InvalidObjectKeyError);
    }
    // Refused before any I/O: nothing reached the bucket, nothing was created beside the source.
    expect(fake.requests.length).toBe(before);
    expect(existsSync(path.join(workDir, "x"))).toBe(false);
  });
});

describe.each(drivers)("$name driver: listing and readiness", ({ make }) => {
  it("lists every object under a folder with when it was written, across pages", async () => {
    const storage = make();
    const before = new Date(Date.now() - 1000);
    const posters = await Promise.all(
      Array.from({ length: 5 }, async () => {
        const key = newObjectKey("posters", "jpg");
        await storage.putFile(key, sourceFile, "image/jpeg");
        return key;
      }),
    );
    const clip = await storeContent(storage);
    const listed = [];
    for await (const object of storage.list("posters/")) listed.push(object);
    expect(listed.map((o) => o.key).sort()).toEqual(expect.arrayContaining([...posters].sort()));
    expect(listed.map((o) => o.key)).not.toContain(clip);
    for (const object of listed)
      expect(object.lastModified.getTime()).toBeGreaterThan(before.getTime() - 60_000);
    const none = [];
    for await (const object of storage.list("masters/")) none.push(object);
    expect(none).toEqual([]);
  });

  it("answers a ping when it can be used", async () => {
    await expect(make().ping()).resolves.toBeUndefined();
  });
});

describe("S3 driver readiness", () => {
  it("fails its ping when the bucket does not exist", async () => {
    const storage = createStorage({ ...s3Config(), bucket: "no-such-bucket" });
    await expect(storage.ping()).rejects.toThrow();
  });
});

describe("local driver", () => {
  it("keeps the object at <root>/<key> with a type sidecar and no leftover temp files", async () => {
    const storage = createStorage({ driver: "local", root: mediaRoot() });
    const key = newObjectKey("posters", "jpg");
    await storage.putFile(key, sourceFile, "image/jpeg");
    const file = path.join(mediaRoot(), key);
    expect((await readFile(file)).equals(content)).toBe(true);
    expect(JSON.parse(await readFile(`${file}.meta.json`, "utf8"))).toEqual({
      contentType: "image/jpeg",
    });
    const siblings = (await readdir(path.dirname(file))).filter((name) =>
      name.startsWith(path.basename(file)),
    );
    expect(siblings.sort()).toEqual([path.basename(file), `${path.basename(file)}.meta.json`]);
    expect((await readdir(path.dirname(file))).filter((name) => name.endsWith(".tmp"))).toEqual([]);
  });

  it("cannot be steered outside its root by a traversal key", async () => {
    const root = path.join(workDir, "jail", "media");
    const storage = createStorage({ driver: "local", root });
    await mkdir(root, { recursive: true });
    const outside = path.join(workDir, "jail", "secret.mp4");
    await writeFile(outside, "secret");
    await expect(storage.read("../secret.mp4")).rejects.toBeInstanceOf(InvalidObjectKeyError);
    await expect(storage.delete("../secret.mp4")).rejects.toBeInstanceOf(InvalidObjectKeyError);
    await expect(storage.putFile("../secret.mp4", sourceFile, "video/mp4")).rejects.toThrow(
      InvalidObjectKeyError,
    );
    expect(await readFile(outside, "utf8")).toBe("secret");
  });

  it("falls back to the type the extension implies when the sidecar is gone", async () => {
    const storage = createStorage({ driver: "local", root: mediaRoot() });
    const key = await storeContent(storage, "video/mp4; codecs=avc1");
    await rm(path.join(mediaRoot(), `${key}.meta.json`));
    expect(await storage.head(key)).toEqual({ size: SIZE, contentType: "video/mp4" });
  });
});

describe("S3 driver against the fake S3", () => {
  it("signs each request and uploads the plain file bytes with a Content-Length", async () => {
    const storage = createStorage(s3Config());
    const before = fake.requests.length;
    const key = await storeContent(storage);
    await storage.head(key);
    const sent = fake.requests.slice(before);
    expect(sent.map((r) => [r.method, r.path, r.status])).toEqual([
      ["PUT", `/${fake.bucket}/${key}`, 200],
      ["HEAD", `/${fake.bucket}/${key}`, 200],
    ]);
    for (const request of sent) {
      expect(request.headers.authorization).toMatch(
        new RegExp(`^AWS4-HMAC-SHA256 Credential=${fake.accessKeyId}/\\d{8}/${fake.region}/s3/`),
      );
    }
    const put = sent[0]!;
    expect(put.headers["content-length"]).toBe(String(SIZE));
    expect(put.headers["content-encoding"]).toBeUndefined(); // not aws-chunked
    expect(put.headers["content-type"]).toBe("video/mp4");
    expect(fake.objects.get(key)?.body.equals(content)).toBe(true);
  });

  it("fails when the signature is wrong (the fake checks it)", async () => {
    const storage = createStorage(s3Config({ secretAccessKey: "not-the-secret" }));
    const before = fake.requests.length;
    await expect(storage.head(newObjectKey("clips", "mp4"))).rejects.toMatchObject({
      $metadata: { httpStatusCode: 403 },
    });
    expect(fake.requests.slice(before).map((r) => r.status)).toEqual([403]);
  });

  it("retries an upload after a 503 with a fresh stream of the file", async () => {
    const storage = createStorage(s3Config());
    const before = fake.requests.length;
    fake.failNextRequests(1, 503);
    const key = await storeContent(storage);
    expect(fake.requests.slice(before).map((r) => [r.method, r.status])).toEqual([
      ["PUT", 503],
      ["PUT", 200],
    ]);
    expect(fake.objects.get(key)?.body.equals(content)).toBe(true);
  });

  it("only ever addressed keys made by newObjectKey, or the bucket itself to list or ping it", () => {
    expect(fake.requests.length).toBeGreaterThan(10);
    for (const request of fake.requests) {
      if (request.key === "") {
        // Listing (GET ?list-type=2) and readiness (HEAD), on a bucket by its configured name.
        expect(["GET", "HEAD"]).toContain(request.method);
        continue;
      }
      expect(request.path.startsWith(`/${fake.bucket}/`)).toBe(true);
      expect(request.key).toMatch(KEY_SHAPE);
    }
  });
});

describe("newObjectKey", () => {
  it("is <prefix>/<32 hex>.<extension>", () => {
    expect(newObjectKey("clips", "mp4")).toMatch(/^clips\/[0-9a-f]{32}\.mp4$/);
    expect(newObjectKey("posters", "jpg")).toMatch(/^posters\/[0-9a-f]{32}\.jpg$/);
    expect(newObjectKey("masters", "mp4")).toMatch(/^masters\/[0-9a-f]{32}\.mp4$/);
    expect(isObjectKey(newObjectKey("clips", "jpg"))).toBe(true);
  });

  it("is random: no repeats, and every hex digit turns up in every position", () => {
    const ids = Array.from({ length: 2000 }, () => newObjectKey("clips", "mp4").slice(6, 38));
    expect(new Set(ids).size).toBe(ids.length);
    // 2000 draws leave a digit missing from a position with probability ~1e-55 if uniform;
    // a counter, a timestamp or a truncated random source fails this at once.
    for (let position = 0; position < 32; position++) {
      expect(new Set(ids.map((id) => id[position])).size).toBe(16);
    }
  });
});

function get(headers: Record<string, string> = {}, method = "GET") {
  return new Request("http://greenroom.test/media/clip", { method, headers });
}

async function bodyOf(response: Response) {
  return Buffer.from(await response.arrayBuffer());
}

describe.each(drivers)("serveObject over the $name driver", ({ make }) => {
  let storage: ObjectStorage;
  let key: string;
  beforeAll(async () => {
    storage = make();
    key = await storeContent(storage);
  });

  it("serves the whole object with 200 and the media headers", async () => {
    const response = await serveObject(get(), storage, key);
    expect(response.status).toBe(200);
    expect(Object.fromEntries(response.headers)).toMatchObject({
      "accept-ranges": "bytes",
      "content-length": String(SIZE),
      "content-type": "video/mp4",
      "cache-control": "private, max-age=3600",
    });
    // The edge sends nosniff on every response (server/app.ts); a second copy would be doubled.
    expect(response.headers.has("x-content-type-options")).toBe(false);
    expect(response.headers.has("content-range")).toBe(false);
    expect(response.headers.has("content-disposition")).toBe(false);
    expect((await bodyOf(response)).equals(content)).toBe(true);
  });

  it.each([
    ["bytes=0-99", 0, 99],
    ["bytes=100000-", 100_000, SIZE - 1],
    ["bytes=-100", SIZE - 100, SIZE - 1],
    ["bytes=-999999", 0, SIZE - 1], // a suffix longer than the object is the whole object
    ["bytes=249990-300000", 249_990, SIZE - 1], // an end past the object is clamped
    [" Bytes = 5-5 ", 5, 5],
  ])("answers %s with 206 and exactly those bytes", async (range, start, end) => {
    const response = await serveObject(get({ Range: range }), storage, key);
    expect(response.status).toBe(206);
    expect(response.headers.get("content-range")).toBe(`bytes ${start}-${end}/${SIZE}`);
    expect(response.headers.get("content-length")).toBe(String(end - start + 1));
    expect(response.headers.get("accept-ranges")).toBe("bytes");
    expect(response.headers.get("content-type")).toBe("video/mp4");
    expect((await bodyOf(response)).equals(content.subarray(start, end + 1))).toBe(true);
  });

  it.each([
    `bytes=${SIZE}-`,
    `bytes=${SIZE}-${SIZE + 100}`,
    "bytes=-0",
    "bytes=500-100",
    "bytes=abc",
    "bytes=0-99x",
    "bytes=",
    "bytes=-",
    "bytes 0-99",
    "bytes=1.5-2",
  ])("answers %s with 416 and Content-Range bytes */size", async (range) => {
    const response = await serveObject(get({ Range: range }), storage, key);
    expect(response.status).toBe(416);
    expect(response.headers.get("content-range")).toBe(`bytes */${SIZE}`);
    expect(await response.text()).toBe("Range Not Satisfiable");
  });

  it("answers a request for several ranges with the whole object", async () => {
    const response = await serveObject(get({ Range: "bytes=0-9,20-29" }), storage, key);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-length")).toBe(String(SIZE));
    expect((await bodyOf(response)).equals(content)).toBe(true);
  });

  it("ignores Range under If-Range (no validator of ours can match) and other units", async () => {
    for (const headers of [
      { Range: "bytes=0-9", "If-Range": '"some-etag"' } as Record<string, string>,
      { Range: "items=0-9" },
    ]) {
      const response = await serveObject(get(headers), storage, key);
      expect(response.status).toBe(200);
      expect(response.headers.get("content-length")).toBe(String(SIZE));
      await response.body?.cancel();
    }
  });

  it("answers HEAD with the headers GET would have and no body, without reading", async () => {
    let reads = 0;
    const counting: ObjectStorage = {
      ...storage,
      read: (...args) => {
        reads++;
        return storage.read(...args);
      },
    };
    const full = await serveObject(get({}, "HEAD"), counting, key);
    expect(full.status).toBe(200);
    expect(full.headers.get("content-length")).toBe(String(SIZE));
    expect(full.body).toBeNull();
    const partial = await serveObject(get({ Range: "bytes=0-99" }, "HEAD"), counting, key);
    expect(partial.status).toBe(206);
    expect(partial.headers.get("content-range")).toBe(`bytes 0-99/${SIZE}`);
    expect(partial.headers.get("content-length")).toBe("100");
    expect(partial.body).toBeNull();
    expect(reads).toBe(0);
  });

  it("answers a missing object with a plain 404", async () => {
    const response = await serveObject(get(), storage, newObjectKey("clips", "mp4"));
    expect(response.status).toBe(404);
    expect(response.headers.get("content-type")).toBe("text/plain; charset=utf-8");
    expect(await response.text()).toBe("Not found");
  });

  it("applies the content type, cache and download name options", async () => {
    const response = await serveObject(get(), storage, key, {
      contentType: "application/octet-stream",
      cacheControl: "private, no-store",
      downloadName: 'Take "one"/final.mp4',
    });
    expect(response.headers.get("content-type")).toBe("application/octet-stream");
    expect(response.headers.get("cache-control")).toBe("private, no-store");
    expect(response.headers.get("content-disposition")).toBe(
      `attachment; filename="Take one_final.mp4"; filename*=UTF-8''Take%20one_final.mp4`,
    );
    await response.body?.cancel();
  });
});

describe("serveObject streaming", () => {
  it("streams from storage and closes the source when the client goes away", async () => {
    const big = path.join(workDir, "big.mp4");
    await writeFile(big, Buffer.alloc(16 * 1024 * 1024, 1));
    const local = createStorage({ driver: "local", root: mediaRoot() });
    const key = newObjectKey("masters", "mp4");
    await local.putFile(key, big, "video/mp4");
    let source: (Readable & { bytesRead?: number }) | undefined;
    const watched: ObjectStorage = {
      ...local,
      read: async (...args) => (source = await local.read(...args)),
    };
    const response = await serveObject(get(), watched, key);
    const reader = response.body!.getReader();
    const first = await reader.read();
    expect(first.value?.byteLength).toBeGreaterThan(0);
    await reader.cancel();
    await new Promise((resolve) => setImmediate(resolve));
    expect(source?.destroyed).toBe(true);
    // Only a few chunks were read off the disk, not the 16 MiB.
    expect(source?.bytesRead).toBeLessThan(1024 * 1024);
  });
});

describe("range and filename helpers", () => {
  it("parses the edge cases of a Range header", () => {
    expect(parseRangeHeader(null, 10)).toBeNull();
    expect(parseRangeHeader("bytes=0-0", 10)).toEqual({ start: 0, end: 0 });
    expect(parseRangeHeader("bytes=9-", 10)).toEqual({ start: 9, end: 9 });
    expect(parseRangeHeader("bytes=0-1,", 10)).toEqual({ start: 0, end: 1 });
    expect(parseRangeHeader("bytes=0-", 0)).toBe("unsatisfiable"); // an empty object has no bytes
    expect(parseRangeHeader("bytes=-5", 0)).toBe("unsatisfiable");
    expect(parseRangeHeader("bytes=20-30,40-50", 10)).toBe("unsatisfiable");
    expect(parseRangeHeader("bytes=20-30,0-5", 10)).toBeNull();
    expect(parseRangeHeader("bytes=0-1,x", 10)).toBe("unsatisfiable");
  });

  it("makes a download name safe for the header and for the person saving it", () => {
    expect(attachmentDisposition("clip.mp4")).toBe(
      `attachment; filename="clip.mp4"; filename*=UTF-8''clip.mp4`,
    );
    expect(attachmentDisposition("../../etc/passwd")).toBe(
      `attachment; filename="_.._etc_passwd"; filename*=UTF-8''_.._etc_passwd`,
    );
    expect(attachmentDisposition("a\r\nSet-Cookie: x=1")).toBe(
      `attachment; filename="aSet-Cookie_ x=1"; filename*=UTF-8''aSet-Cookie_%20x%3D1`,
    );
    expect(attachmentDisposition("clip\u202Egpj.exe")).toBe(
      `attachment; filename="clipgpj.exe"; filename*=UTF-8''clipgpj.exe`,
    );
    expect(attachmentDisposition("Café 100%.mp4")).toBe(
      `attachment; filename="Caf_ 100_.mp4"; filename*=UTF-8''Caf%C3%A9%20100%25.mp4`,
    );
    expect(attachmentDisposition("...")).toBe(
      `attachment; filename="download"; filename*=UTF-8''download`,
    );
  });
});

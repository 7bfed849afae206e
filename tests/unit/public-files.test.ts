import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { listPublicFiles } from "../../server/app";

describe("listPublicFiles", () => {
  it("lists the client build's files by URL path, leaving out hashed assets and Vite's manifest", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "greenroom-client-"));
    for (const file of [
      "favicon.svg",
      "robots.txt",
      "images/logo.png",
      "assets/entry.client-ABC.js",
      ".vite/manifest.json",
    ]) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), "x");
    }
    expect([...listPublicFiles(dir)].sort()).toEqual([
      "/favicon.svg",
      "/images/logo.png",
      "/robots.txt",
    ]);
    expect(listPublicFiles(path.join(dir, "missing")).size).toBe(0);
  });
});

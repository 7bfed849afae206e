import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { acquireDirectoryLock, DatabaseLockedError, openDatabase } from "~/.server/db";
import { users } from "~db/schema";

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), "greenroom-lock-"));
  dirs.push(dir);
  return dir;
};
afterAll(() => dirs.forEach((d) => rmSync(d, { recursive: true, force: true })));

describe("the embedded database lock", () => {
  it("refuses a second process with a message naming the holder's pid, and keeps the first one's data", async () => {
    const dir = tempDir();
    const handle = await openDatabase({ dataDir: dir });
    await handle.migrate();
    await handle.db.insert(users).values({ email: "kept@example.test", displayName: "Kept" });

    for (const script of ["scripts/migrate.ts", "scripts/seed.ts"]) {
      const child = spawnSync(process.execPath, ["--import", "tsx", script], {
        env: { ...process.env, DATA_DIR: dir, DATABASE_URL: "" },
        encoding: "utf8",
      });
      // The message alone, as one line a person can act on: no stack trace.
      expect(child.status, script).toBe(1);
      expect(child.stderr.trim(), script).toBe(
        `The embedded database in ${dir} is in use by process ${process.pid}. Stop that process (kill ${process.pid}) or point DATA_DIR at another folder.`,
      );
      expect(child.stderr, script).not.toMatch(/^\s+at /m);
    }

    await handle.close();
    const reopened = await openDatabase({ dataDir: dir });
    const rows = await reopened.db.select().from(users);
    expect(rows.map((r) => r.email)).toEqual(["kept@example.test"]);
    await reopened.close();
  });

  it("refuses a second open in the same process too", () => {
    const dir = tempDir();
    const release = acquireDirectoryLock(dir);
    expect(() => acquireDirectoryLock(dir)).toThrow(DatabaseLockedError);
    release();
    const again = acquireDirectoryLock(dir);
    expect(readFileSync(path.join(dir, "greenroom.lock"), "utf8")).toBe(String(process.pid));
    again();
  });

  it("takes over a lock left by a process that no longer exists", () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], {
      encoding: "utf8",
    });
    const deadPid = dead.stdout.trim();
    spawnSync("sh", ["-c", `printf ${deadPid} > ${path.join(dir, "greenroom.lock")}`]);
    const release = acquireDirectoryLock(dir);
    expect(readFileSync(path.join(dir, "greenroom.lock"), "utf8")).toBe(String(process.pid));
    release();
  });
});

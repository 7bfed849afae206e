// Starts the production server against the scale DB, signs in the roles, hits given pages N times.
import { startSession, endSession } from "~/.server/auth/session";
import { openDatabase, selectRows } from "~/.server/db";
import { sql } from "drizzle-orm";
import { startProductionServer } from "./server";
const url = "postgres://postgres@127.0.0.1:5432/greenroom_scale";
const handle = await openDatabase({ databaseUrl: url, dataDir: "data" });
const server = await startProductionServer(url, { TRUSTED_PROXY_HEADER: "x-forwarded-for" }, ["--cpu-prof", "--cpu-prof-dir=bench/profiles"]);
const one = async (q: any) => (await selectRows<any>(handle.db, q))[0];
const admin = await one(sql`SELECT id FROM users WHERE email='admin-001@scale.greenroom.test'`);
const earner = await one(sql`SELECT user_id AS id FROM ledger_entries GROUP BY user_id ORDER BY count(*) DESC, user_id LIMIT 1`);
const ids: string[] = [];
const cookie = async (id: string) => { const { session, cookie } = await startSession(handle.db, id); ids.push(session.id); return cookie.split(";")[0]!; };
const c = { admin: await cookie(admin.id), earner: await cookie(earner.id) };
const pages = (process.env.PAGES ?? "earnings:/earnings").split(",");
for (const p of pages) {
  const [who, path] = p.split(":") as ["admin" | "earner", string];
  for (let i = 0; i < Number(process.env.N ?? 3); i++) {
    const t = Date.now();
    const r = await fetch(server.url + path, { headers: { cookie: c[who] } });
    const body = await r.text();
    if (i < 3 || i % 50 === 0) console.log(path, r.status, body.length, Date.now() - t, "ms");
  }
}
await server.stop();
for (const id of ids) await endSession(handle.db, id);
await handle.close();

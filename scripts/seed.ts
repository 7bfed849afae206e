// Migrates and seeds the demo data; safe to run again.
import { openDatabase } from "~/.server/db";
import { parseEnv } from "~/.server/env";
import { seedDemo } from "~db/seed";
import { loadDotEnv } from "../server/start";

loadDotEnv();
const env = parseEnv();
const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
try {
  await handle.migrate();
  const { created } = await seedDemo(handle.db, { appUrl: env.APP_URL });
  console.log(
    created.length
      ? `Seeded ${created.length} accounts.`
      : "Demo data already present; nothing to do.",
  );
} finally {
  await handle.close();
}

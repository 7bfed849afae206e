// Migrates and seeds the demo data; safe to run again.
import { openDatabase } from "~/.server/db";
import { parseEnv } from "~/.server/env";
import { storageFromEnv } from "~/.server/generation/setup";
import { seedDemo } from "~db/seed";
import { seedDemoClips } from "~db/seed-clips";
import { loadDotEnv } from "../server/start";

loadDotEnv();
const env = parseEnv();
const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
try {
  await handle.migrate();
  const { created } = await seedDemo(handle.db, { appUrl: env.APP_URL });
  const clips = await seedDemoClips(handle.db, {
    storage: storageFromEnv(env),
    provenanceSecret: env.PROVENANCE_SECRET,
  });
  console.log(
    created.length || clips
      ? `Seeded ${created.length} accounts and ${clips} clips.`
      : "Demo data already present; nothing to do.",
  );
} finally {
  await handle.close();
}

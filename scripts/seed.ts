// Migrates and seeds the demo data; safe to run again.
import { openDatabase } from "~/.server/db";
import { parseEnv } from "~/.server/env";
import { syncDefaultModel } from "~/.server/generation/catalog";
import {
  provenanceKeysFromEnv,
  providersFromEnv,
  storageFromEnv,
} from "~/.server/generation/setup";
import { describeSeeded, seedDemoData } from "~db/demo-data";
import { loadDotEnv } from "../server/start";
import { runScript } from "./run-script";

await runScript(async () => {
  loadDotEnv();
  const env = parseEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    await handle.migrate();
    // The catalog's default entry, as the server writes it at start: demo clips name it.
    await syncDefaultModel(handle.db, providersFromEnv(env).get(env.GENERATION_PROVIDER)!);
    const seeded = await seedDemoData(handle.db, {
      appUrl: env.APP_URL,
      storage: storageFromEnv(env),
      provenance: provenanceKeysFromEnv(env),
    });
    console.log(describeSeeded(seeded));
  } finally {
    await handle.close();
  }
});

// Applies the committed migrations to DATABASE_URL, or to the embedded database in $DATA_DIR
// (through the same lock the server takes).
import { openDatabase } from "~/.server/db";
import { parseEnv } from "~/.server/env";
import { loadDotEnv } from "../server/start";
import { runScript } from "./run-script";

await runScript(async () => {
  loadDotEnv();
  const env = parseEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    await handle.migrate();
    console.log(`Migrations applied (${handle.kind}).`);
  } finally {
    await handle.close();
  }
});

// `npm run provenance:sign`: signs the clips stored before outputs carried Content Credentials
// (their record is version 1), as new outputs are signed. Safe to run again and to stop half way:
// each clip is committed on its own, and a signed clip is never signed twice.
import { openDatabase } from "~/.server/db";
import { parseEnv } from "~/.server/env";
import { resealStoredClips } from "~/.server/generation/reseal";
import { provenanceKeysFromEnv, storageFromEnv } from "~/.server/generation/setup";
import { loadDotEnv } from "../server/start";
import { runScript } from "./run-script";

await runScript(async () => {
  loadDotEnv();
  const env = parseEnv();
  const handle = await openDatabase({ databaseUrl: env.DATABASE_URL, dataDir: env.DATA_DIR });
  try {
    await handle.migrate();
    const counts = await resealStoredClips(
      handle.db,
      storageFromEnv(env),
      provenanceKeysFromEnv(env),
      {
        onProgress: ({ done, total, clipId, outcome }) =>
          console.log(
            `${String(done).padStart(String(total).length)}/${total} ${clipId}: ${outcome}`,
          ),
      },
    );
    const total = counts.sealed + counts.missing + counts["sealed elsewhere"];
    console.log(
      total === 0
        ? "Every stored clip already carries Content Credentials."
        : `Signed ${counts.sealed} clip${counts.sealed === 1 ? "" : "s"}; ${counts.missing} had no stored file; ${counts["sealed elsewhere"]} were signed by another run meanwhile.`,
    );
  } finally {
    await handle.close();
  }
});

// `npm run demo`: migrate, seed the demo accounts, build if needed, and serve the production build.
import { ensureProductionBuild } from "./production-build";

// Production mode must be set before React and the app load: they pick their build on import.
process.env.NODE_ENV = "production";
// Without an email provider, a password-reset link is shown once on this console (never in the
// outbox), so a newcomer can reset a demo password. See docs/decisions/0016.
process.env.DEMO_MODE ||= "true";
const { DEMO_ACCOUNTS, DEMO_PASSWORD } = await import("~db/seed");
const { describeSeeded, seedDemoData } = await import("~db/demo-data");
const { provenanceKeysFromEnv, storageFromEnv } = await import("~/.server/generation/setup");
const { loadDotEnv, startServer } = await import("../server/start");
loadDotEnv();

ensureProductionBuild({ announce: "Building the portal (first run only)…" });

try {
  const { url, handle } = await startServer({
    beforeListen: async (h, env) => {
      const seeded = await seedDemoData(h.db, {
        appUrl: env.APP_URL,
        storage: storageFromEnv(env),
        provenance: provenanceKeysFromEnv(env),
      });
      console.log(describeSeeded(seeded));
      // Clips stored by an older version (a data folder from before Content Credentials).
      const { resealStoredClips } = await import("~/.server/generation/reseal");
      const resealed = await resealStoredClips(
        h.db,
        storageFromEnv(env),
        provenanceKeysFromEnv(env),
      );
      if (resealed.sealed > 0)
        console.log(`Signed ${resealed.sealed} older clips with Content Credentials.`);
    },
  });
  console.log(
    `\nGreenroom is running at ${url} (${handle.kind === "pglite" ? "embedded database" : "PostgreSQL"})\n`,
  );
  console.log(`Demo accounts (password: ${DEMO_PASSWORD}):`);
  for (const account of DEMO_ACCOUNTS) console.log(`  ${account.role.padEnd(9)} ${account.email}`);
  console.log("\nPress Ctrl+C to stop.");
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

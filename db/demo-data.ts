import type { Db } from "~/.server/db";
import type { ProvenanceKeys } from "~/.server/generation/provenance";
import type { ObjectStorage } from "~/.server/storage";
import { seedDemo } from "./seed";
import { seedDemoClips } from "./seed-clips";
import { seedDemoModels } from "./seed-models";
import { seedDemoMoney } from "./seed-money";
import { seedDemoOversight } from "./seed-oversight";
import { seedDemoReview } from "./seed-review";
import { seedDemoRights } from "./seed-rights";
import { seedDemoStudio } from "./seed-studio";

// Everything the demo shows, in dependency order: people, the model catalog, their rendered clips
// (each naming its model), then the review program built on those clips, then its money, then
// oversight (activity and anomaly flags). Each step skips what is already there.
export async function seedDemoData(
  db: Db,
  options: { appUrl: string; storage: ObjectStorage; provenance: ProvenanceKeys },
) {
  const { created } = await seedDemo(db, { appUrl: options.appUrl });
  const models = await seedDemoModels(db);
  const clips = await seedDemoClips(db, options);
  const submissions = await seedDemoReview(db);
  const rights = await seedDemoRights(db);
  const payouts = await seedDemoMoney(db, { appUrl: options.appUrl });
  const flags = await seedDemoOversight(db, { appUrl: options.appUrl });
  const studio = await seedDemoStudio(db);
  return { accounts: created.length, models, clips, submissions, rights, payouts, flags, studio };
}

export function describeSeeded(seeded: Awaited<ReturnType<typeof seedDemoData>>) {
  const parts = [
    seeded.accounts ? `${seeded.accounts} accounts` : null,
    seeded.models ? `${seeded.models} catalog models` : null,
    seeded.clips ? `${seeded.clips} clips` : null,
    seeded.submissions ? `${seeded.submissions} submissions` : null,
    seeded.rights ? `${seeded.rights} rights requests` : null,
    seeded.payouts ? `${seeded.payouts} payouts` : null,
    seeded.flags ? `${seeded.flags} anomaly flags` : null,
    seeded.studio ? `${seeded.studio} studio items (cohorts, a request, a failed job)` : null,
  ].filter(Boolean);
  return parts.length ? `Seeded ${parts.join(", ")}.` : "Demo data already present; nothing to do.";
}

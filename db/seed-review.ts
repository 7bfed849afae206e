import { and, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "~/.server/db";
import {
  checklistFrom,
  formatTimecode,
  type Decision,
  type IntendedUse,
  type SubmissionState,
} from "~/lib/review";
import {
  auditLog,
  clips,
  generationJobs,
  notifications,
  reviewComments,
  reviewDecisions,
  submissions,
  submissionVersions,
  users,
} from "./schema";

// A review program in motion: items waiting (two of them overdue, one claimed, one with the first
// of two commercial approvals), decided ones with reasons and timecoded comments, a withdrawal,
// and the artist's notifications. Times are relative to now, so the queue always looks current.

type DemoDecision = {
  by: string;
  decision: Decision;
  hoursAgo: number;
  reason?: string;
  note?: string;
};

type DemoSubmission = {
  artist: string;
  /** The demo clip's prompt (see seed-clips.ts). */
  prompt: string;
  title: string;
  description: string;
  use: IntendedUse;
  channels: string[];
  hoursAgo: number;
  state: SubmissionState;
  decisions?: DemoDecision[];
  comments?: { by: string; at: number; body: string; hoursAgo: number }[];
  claim?: { by: string; minutesLeft: number; hoursAgo: number };
  withdrawnHoursAgo?: number;
};

const REMI = "reviewer@greenroom.test";
const SASHA = "sasha.ivanova@greenroom.test";

const DEMO_SUBMISSIONS: DemoSubmission[] = [
  {
    artist: "artist@greenroom.test",
    prompt: "A lighthouse at dusk, waves folding into spirals of light",
    title: "Lighthouse spirals",
    description: "A looping study of light and water for my portfolio site.",
    use: "portfolio",
    channels: ["Personal website", "Vimeo"],
    hoursAgo: 48,
    state: "approved",
    comments: [
      {
        by: REMI,
        at: 1.2,
        body: "Lovely how the beam catches the spray here.",
        hoursAgo: 41,
      },
    ],
    decisions: [
      { by: REMI, decision: "approve", hoursAgo: 40, note: "Clear to use on your portfolio." },
    ],
  },
  {
    artist: "artist@greenroom.test",
    prompt: "Paper birds migrating across a city of stacked books",
    title: "Paper migration",
    description: "A short for Instagram and TikTok about reading season.",
    use: "social",
    channels: ["Instagram", "TikTok"],
    hoursAgo: 25,
    state: "changes_requested",
    comments: [
      {
        by: REMI,
        at: 2,
        body: "A book spine here reads like a real publisher's logo. Could the titles be blank?",
        hoursAgo: 21,
      },
    ],
    decisions: [
      {
        by: REMI,
        decision: "request_changes",
        hoursAgo: 20,
        reason: "Third-party marks or logos",
        note: "Nearly there: please make the book spines at 0:02 generic and resubmit.",
      },
    ],
  },
  {
    artist: "artist@greenroom.test",
    prompt: "Rain on a neon alley, a detective's shadow crossing slowly",
    title: "Neon alley detective",
    description: "Opening shot for a paid music video.",
    use: "commercial",
    channels: ["YouTube", "Broadcast"],
    hoursAgo: 2.5,
    state: "in_review",
    decisions: [{ by: SASHA, decision: "approve", hoursAgo: 1, note: "Fine by me." }],
  },
  {
    artist: "artist2@greenroom.test",
    prompt: "Morning fog lifting off a mountain lake, a heron takes flight",
    title: "Heron at first light",
    description: "For a short-film festival submission.",
    use: "festival",
    channels: ["Festival screening"],
    hoursAgo: 60,
    state: "pending",
  },
  {
    artist: "artist2@greenroom.test",
    prompt: "A carousel of melting clocks turning under a violet sky",
    title: "Melting carousel",
    description: "For a magazine feature on AI art.",
    use: "press",
    channels: ["Print", "Personal website"],
    hoursAgo: 5,
    state: "pending",
  },
  {
    artist: "mira.okafor@greenroom.test",
    prompt: "Ink drops blooming into a coral reef, slow and silent",
    title: "Ink reef",
    description: "A calm loop for my gallery show and portfolio.",
    use: "portfolio",
    channels: ["Personal website"],
    hoursAgo: 52,
    state: "in_review",
    claim: { by: SASHA, minutesLeft: 11, hoursAgo: 0.1 },
  },
  {
    artist: "jonas.berg@greenroom.test",
    prompt: "A vintage tram climbing a snowy street at night",
    title: "Night tram",
    description: "A social post about my home town.",
    use: "social",
    channels: ["Instagram"],
    hoursAgo: 290,
    state: "rejected",
    decisions: [
      {
        by: REMI,
        decision: "reject",
        hoursAgo: 270,
        reason: "Likeness or consent",
        note: "The driver's face resembles a well-known actor; we cannot approve it.",
      },
    ],
  },
  {
    artist: "lucia.ferraro@greenroom.test",
    prompt: "Terracotta rooftops at noon, laundry lines swaying",
    title: "Rooftops at noon",
    description: "Background loop for my studio's website.",
    use: "portfolio",
    channels: ["Personal website"],
    hoursAgo: 96,
    state: "approved",
    decisions: [{ by: SASHA, decision: "approve", hoursAgo: 70 }],
  },
  {
    artist: "kenji.watanabe@greenroom.test",
    prompt: "Origami cranes folding themselves on a wooden table",
    title: "Cranes, folding",
    description: "A paid spot for a stationery shop.",
    use: "commercial",
    channels: ["Instagram", "YouTube"],
    hoursAgo: 165,
    state: "approved",
    decisions: [
      { by: REMI, decision: "approve", hoursAgo: 150 },
      { by: SASHA, decision: "approve", hoursAgo: 140, note: "Second approval: all clear." },
    ],
  },
  {
    artist: "amara.diallo@greenroom.test",
    prompt: "Desert wind drawing patterns in red sand at sunset",
    title: "Sand script",
    description: "Festival teaser.",
    use: "festival",
    channels: ["Festival screening"],
    hoursAgo: 38,
    state: "withdrawn",
    withdrawnHoursAgo: 30,
  },
];

const ago = (hours: number) => new Date(Date.now() - hours * 3_600_000);

/** Seeds the demo submissions that are not there yet; returns how many it made. */
export async function seedDemoReview(db: Db) {
  const emails = [
    ...new Set(
      DEMO_SUBMISSIONS.flatMap((s) => [
        s.artist,
        ...(s.decisions ?? []).map((d) => d.by),
        ...(s.comments ?? []).map((c) => c.by),
        ...(s.claim ? [s.claim.by] : []),
      ]),
    ),
  ];
  const people = await db
    .select({ id: users.id, email: users.email })
    .from(users)
    .where(inArray(users.email, emails));
  const id = new Map(people.map((p) => [p.email, p.id]));
  const checklist = checklistFrom(undefined).map((item) => ({ item, checked: true }));
  let made = 0;
  for (const demo of DEMO_SUBMISSIONS) {
    const artistId = id.get(demo.artist);
    if (!artistId) continue;
    const [clip] = await db
      .select({ id: clips.id })
      .from(clips)
      .innerJoin(generationJobs, eq(generationJobs.id, clips.id))
      .where(and(eq(clips.userId, artistId), eq(generationJobs.prompt, demo.prompt)));
    if (!clip) continue;
    const [existing] = await db
      .select({ id: submissions.id })
      .from(submissions)
      .where(and(eq(submissions.userId, artistId), eq(submissions.title, demo.title)));
    if (existing) continue;
    await db.transaction(async (tx) => {
      await seedOne(tx, demo, artistId, clip.id, id, checklist);
    });
    made++;
  }
  return made;
}

async function seedOne(
  tx: Tx,
  demo: DemoSubmission,
  artistId: string,
  clipId: string,
  id: Map<string, string>,
  checklist: { item: string; checked: boolean }[],
) {
  const submittedAt = ago(demo.hoursAgo);
  const decidedAt =
    demo.state === "approved" || demo.state === "rejected" || demo.state === "changes_requested"
      ? ago(Math.min(...demo.decisions!.map((d) => d.hoursAgo)))
      : null;
  const [submission] = await tx
    .insert(submissions)
    .values({
      userId: artistId,
      title: demo.title,
      description: demo.description,
      intendedUse: demo.use,
      channels: demo.channels,
      state: demo.state,
      approvalsNeeded: demo.use === "commercial" ? 2 : 1,
      revision: 1 + (demo.decisions?.length ?? 0) + (demo.withdrawnHoursAgo ? 1 : 0),
      claimedBy: demo.claim ? id.get(demo.claim.by)! : null,
      claimExpiresAt: demo.claim ? new Date(Date.now() + demo.claim.minutesLeft * 60_000) : null,
      termsAcceptedAt: submittedAt,
      submittedAt,
      decidedAt,
      createdAt: submittedAt,
    })
    .returning({ id: submissions.id });
  const submissionId = submission!.id;
  await tx.insert(submissionVersions).values({
    submissionId,
    number: 1,
    clipId,
    createdAt: submittedAt,
    decidedAt,
  });
  const audit = (actorEmail: string, action: string, hoursAgo: number, data = {}) =>
    tx.insert(auditLog).values({
      actorId: id.get(actorEmail) ?? null,
      action,
      subjectType: "submission",
      subjectId: submissionId,
      data,
      ip: "127.0.0.1",
      createdAt: ago(hoursAgo),
    });
  await audit(demo.artist, "submission.created", demo.hoursAgo, { clipId, intendedUse: demo.use });

  // Each reviewer's work starts with a claim a little before their first comment or decision.
  const reviewers = new Map<string, number>();
  for (const d of demo.decisions ?? [])
    reviewers.set(d.by, Math.max(reviewers.get(d.by) ?? 0, d.hoursAgo));
  for (const c of demo.comments ?? [])
    reviewers.set(c.by, Math.max(reviewers.get(c.by) ?? 0, c.hoursAgo));
  if (demo.claim) reviewers.set(demo.claim.by, demo.claim.hoursAgo);
  for (const [email, firstHoursAgo] of reviewers)
    await audit(email, "submission.claimed", firstHoursAgo + 0.2);

  for (const c of demo.comments ?? []) {
    await tx.insert(reviewComments).values({
      submissionId,
      versionNumber: 1,
      authorId: id.get(c.by)!,
      atSeconds: c.at,
      body: c.body,
      createdAt: ago(c.hoursAgo),
    });
    await audit(c.by, "submission.commented", c.hoursAgo, { version: 1, atSeconds: c.at });
    await tx.insert(notifications).values({
      userId: artistId,
      kind: "review_comment",
      title: `Comment at ${formatTimecode(c.at)} on ${demo.title}`,
      body: c.body,
      link: `/submissions/${submissionId}`,
      readAt: c.hoursAgo > 24 ? ago(c.hoursAgo - 1) : null,
      createdAt: ago(c.hoursAgo),
    });
  }
  let approvals = 0;
  for (const d of demo.decisions ?? []) {
    await tx.insert(reviewDecisions).values({
      submissionId,
      versionNumber: 1,
      reviewerId: id.get(d.by)!,
      decision: d.decision,
      reasonCategory: d.reason ?? null,
      note: d.note ?? null,
      checklist: d.decision === "approve" ? checklist : [],
      createdAt: ago(d.hoursAgo),
    });
    if (d.decision === "approve") approvals++;
    const outcome =
      d.decision === "approve"
        ? approvals >= (demo.use === "commercial" ? 2 : 1)
          ? "approved"
          : "first_approval"
        : d.decision === "reject"
          ? "rejected"
          : "changes_requested";
    await audit(
      d.by,
      `submission.${outcome === "first_approval" ? "approved" : outcome}`,
      d.hoursAgo,
      {
        version: 1,
        reasonCategory: d.reason ?? null,
      },
    );
    const titles = {
      approved: "Approved",
      first_approval: "1 of 2 approvals",
      rejected: "Rejected",
      changes_requested: "Changes requested",
    } as const;
    await tx.insert(notifications).values({
      userId: artistId,
      kind: `submission_${outcome}`,
      title: `${titles[outcome]}: ${demo.title}`,
      body: [d.reason, d.note].filter(Boolean).join(" — ") || "Version 1 is approved.",
      link: `/submissions/${submissionId}`,
      readAt: d.hoursAgo > 24 ? ago(d.hoursAgo - 1) : null,
      createdAt: ago(d.hoursAgo),
    });
  }
  if (demo.withdrawnHoursAgo)
    await audit(demo.artist, "submission.withdrawn", demo.withdrawnHoursAgo);
}

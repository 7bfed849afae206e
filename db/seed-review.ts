import { and, eq, inArray } from "drizzle-orm";
import type { Db, Tx } from "~/.server/db";
import { annotationSchema } from "~/lib/annotation-schema";
import type { Annotation } from "~/lib/annotations";
import {
  checklistFrom,
  commentTimecode,
  type ChecklistEntry,
  type Decision,
  type IntendedUse,
  type SubmissionState,
} from "~/lib/review";
import { FRAME_RATES } from "~/lib/timecode";
import {
  auditLog,
  clips,
  generationJobs,
  notifications,
  reviewComments,
  reviewDecisions,
  reviewReplies,
  submissions,
  submissionVersions,
  users,
} from "./schema";

// A review program in motion: items waiting (two of them overdue, one claimed, one with the first
// of two commercial approvals, one in its second version after changes were asked with a drawn
// note and a thread), decided ones with reasons, checklists and comments at frames, a withdrawal,
// and everyone's notifications. Times are relative to now, so the queue always looks current.

/** Demo clips are rendered at 24 fps (outputs.ts FPS): the frames below are at that rate. */
const DEMO_RATE = FRAME_RATES.film;

type DemoDecision = {
  by: string;
  decision: Decision;
  hoursAgo: number;
  reason?: string;
  note?: string;
  /** The version decided (1 unless said). */
  version?: number;
  /** Checklist items the decision points at as failed. */
  failed?: string[];
};

type DemoComment = {
  by: string;
  frame: number;
  endFrame?: number;
  drawing?: Annotation;
  body: string;
  hoursAgo: number;
  replies?: { by: string; body: string; hoursAgo: number }[];
  resolved?: { by: string; hoursAgo: number };
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
  /** Comments on version 1. */
  comments?: DemoComment[];
  /** Versions after the first, each resubmitted with a clip of its own (by prompt) and a note. */
  resubmitted?: { prompt: string; hoursAgo: number; note: string }[];
  claim?: { by: string; minutesLeft: number; hoursAgo: number };
  withdrawnHoursAgo?: number;
};

const REMI = "reviewer@greenroom.test";
const SASHA = "sasha.ivanova@greenroom.test";
const ARI = "artist@greenroom.test";

const LOGOS = "No third-party logos or trademarks";

/** The drawn note on the book spine: an arrow to it and a box around it. */
const SPINE_NOTE = annotationSchema.parse({
  v: 1,
  shapes: [
    { kind: "arrow", color: "amber", width: 3, from: [0.16, 0.2], to: [0.4, 0.46] },
    { kind: "rect", color: "red", width: 3, x: 0.41, y: 0.44, w: 0.18, h: 0.26 },
  ],
});

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
        frame: 28,
        body: "Lovely how the beam catches the spray here.",
        hoursAgo: 41,
      },
    ],
    decisions: [
      { by: REMI, decision: "approve", hoursAgo: 40, note: "Clear to use on your portfolio." },
    ],
  },
  // Two versions: changes asked on version 1 with a drawn note on a range and a thread, a second
  // take waiting for review. Compare them from either side.
  {
    artist: ARI,
    prompt: "Paper birds migrating across a city of stacked books",
    title: "Paper migration",
    description: "A short for Instagram and TikTok about reading season.",
    use: "social",
    channels: ["Instagram", "TikTok"],
    hoursAgo: 25,
    state: "pending",
    comments: [
      {
        by: REMI,
        frame: 36,
        endFrame: 60,
        drawing: SPINE_NOTE,
        body: "A book spine here reads like a real publisher's logo. Could the titles be blank?",
        hoursAgo: 21,
        replies: [
          {
            by: ARI,
            body: "Blanking them in the next take. Should the text on the birds go too?",
            hoursAgo: 19.5,
          },
          {
            by: REMI,
            body: "The birds can keep their text: only the spines read as a brand.",
            hoursAgo: 18,
          },
        ],
      },
      {
        by: REMI,
        frame: 96,
        body: "The last birds leave the frame a little early; fine as it is.",
        hoursAgo: 20.9,
        resolved: { by: ARI, hoursAgo: 19.4 },
      },
    ],
    decisions: [
      {
        by: REMI,
        decision: "request_changes",
        hoursAgo: 20,
        reason: "Third-party marks or logos",
        note: "Nearly there: please make the book spines at 00:00:01:12 generic and resubmit.",
        failed: [LOGOS],
      },
    ],
    resubmitted: [
      {
        prompt: "A flock of paper birds over a city of stacked books with blank spines",
        hoursAgo: 4,
        note: "The spines are blank now; the birds keep their text, as Remi said.",
      },
    ],
  },
  // Changes requested and not answered yet: Ari can resubmit it.
  {
    artist: ARI,
    prompt: "Rain on a neon alley, a detective's shadow crossing slowly",
    title: "Neon alley, festival cut",
    description: "The alley shot as a festival teaser.",
    use: "festival",
    channels: ["Festival screening"],
    hoursAgo: 30,
    state: "changes_requested",
    comments: [
      {
        by: SASHA,
        frame: 108,
        body: "It fades to black before the shadow has crossed.",
        hoursAgo: 28.5,
      },
    ],
    decisions: [
      {
        by: SASHA,
        decision: "request_changes",
        hoursAgo: 28,
        reason: "Quality",
        note: "Please let the shadow finish crossing before the fade, then resubmit.",
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
        ...(s.comments ?? []).flatMap((c) => [
          c.by,
          ...(c.replies ?? []).map((r) => r.by),
          ...(c.resolved ? [c.resolved.by] : []),
        ]),
        ...(s.claim ? [s.claim.by] : []),
      ]),
    ),
  ];
  const people = await db
    .select({ id: users.id, email: users.email, name: users.displayName })
    .from(users)
    .where(inArray(users.email, emails));
  const id = new Map(people.map((p) => [p.email, p.id]));
  const name = new Map(people.map((p) => [p.email, p.name || "A reviewer"]));
  let made = 0;
  for (const demo of DEMO_SUBMISSIONS) {
    const artistId = id.get(demo.artist);
    if (!artistId) continue;
    const clipOf = async (prompt: string) => {
      const [clip] = await db
        .select({ id: clips.id })
        .from(clips)
        .innerJoin(generationJobs, eq(generationJobs.id, clips.id))
        .where(and(eq(clips.userId, artistId), eq(generationJobs.prompt, prompt)));
      return clip?.id ?? null;
    };
    const clipIds = [await clipOf(demo.prompt)];
    for (const later of demo.resubmitted ?? []) clipIds.push(await clipOf(later.prompt));
    if (clipIds.some((clip) => clip === null)) continue;
    const [existing] = await db
      .select({ id: submissions.id })
      .from(submissions)
      .where(and(eq(submissions.userId, artistId), eq(submissions.title, demo.title)));
    if (existing) continue;
    await db.transaction(async (tx) => {
      await seedOne(tx, demo, artistId, clipIds as string[], { id, name });
    });
    made++;
  }
  return made;
}

/** The checklist of a demo decision: everything holds on an approval; failed items are named. */
function checklistOf(decision: DemoDecision): ChecklistEntry[] {
  const failed = new Set(decision.failed ?? []);
  return checklistFrom(undefined).map((item) => ({
    item,
    checked: decision.decision === "approve" || (!failed.has(item) && failed.size > 0),
    ...(failed.has(item) ? { failed: true } : {}),
  }));
}

async function seedOne(
  tx: Tx,
  demo: DemoSubmission,
  artistId: string,
  clipIds: string[],
  people: { id: Map<string, string>; name: Map<string, string> },
) {
  const { id, name } = people;
  const versions = [
    { number: 1, clipId: clipIds[0]!, hoursAgo: demo.hoursAgo, note: null as string | null },
    ...(demo.resubmitted ?? []).map((v, i) => ({
      number: i + 2,
      clipId: clipIds[i + 1]!,
      hoursAgo: v.hoursAgo,
      note: v.note,
    })),
  ];
  const current = versions.at(-1)!;
  const decisionsOf = (version: number) =>
    (demo.decisions ?? []).filter((d) => (d.version ?? 1) === version);
  const decidedAt = (version: number) => {
    const decided = decisionsOf(version);
    const final =
      version < current.number ||
      demo.state === "approved" ||
      demo.state === "rejected" ||
      demo.state === "changes_requested";
    return final && decided.length ? ago(Math.min(...decided.map((d) => d.hoursAgo))) : null;
  };
  const [submission] = await tx
    .insert(submissions)
    .values({
      userId: artistId,
      title: demo.title,
      description: demo.description,
      intendedUse: demo.use,
      channels: demo.channels,
      state: demo.state,
      currentVersion: current.number,
      approvalsNeeded: demo.use === "commercial" ? 2 : 1,
      revision:
        1 +
        (demo.decisions?.length ?? 0) +
        (demo.withdrawnHoursAgo ? 1 : 0) +
        (versions.length - 1),
      claimedBy: demo.claim ? id.get(demo.claim.by)! : null,
      claimExpiresAt: demo.claim ? new Date(Date.now() + demo.claim.minutesLeft * 60_000) : null,
      termsAcceptedAt: ago(demo.hoursAgo),
      submittedAt: ago(current.hoursAgo),
      decidedAt: decidedAt(current.number),
      createdAt: ago(demo.hoursAgo),
    })
    .returning({ id: submissions.id });
  const submissionId = submission!.id;
  for (const v of versions)
    await tx.insert(submissionVersions).values({
      submissionId,
      number: v.number,
      clipId: v.clipId,
      note: v.note,
      createdAt: ago(v.hoursAgo),
      decidedAt: decidedAt(v.number),
    });
  // Written at the end in the order they happened, as the live audit log would have them.
  const audits: (typeof auditLog.$inferInsert)[] = [];
  const audit = async (actorEmail: string, action: string, hoursAgo: number, data = {}) => {
    audits.push({
      actorId: id.get(actorEmail) ?? null,
      action,
      subjectType: "submission",
      subjectId: submissionId,
      data,
      ip: "127.0.0.1",
      createdAt: ago(hoursAgo),
    });
  };
  const notice = (
    userEmail: string | null,
    kind: typeof notifications.$inferInsert.kind,
    title: string,
    body: string,
    hoursAgo: number,
    link = `/submissions/${submissionId}`,
  ) =>
    tx.insert(notifications).values({
      userId: userEmail ? id.get(userEmail)! : artistId,
      kind,
      title,
      body,
      link,
      readAt: hoursAgo > 24 ? ago(hoursAgo - 1) : null,
      createdAt: ago(hoursAgo),
    });
  await audit(demo.artist, "submission.created", demo.hoursAgo, {
    clipId: clipIds[0],
    intendedUse: demo.use,
  });
  for (const v of versions.slice(1))
    await audit(demo.artist, "submission.resubmitted", v.hoursAgo, {
      version: v.number,
      clipId: v.clipId,
    });

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
    const [comment] = await tx
      .insert(reviewComments)
      .values({
        submissionId,
        versionNumber: 1,
        authorId: id.get(c.by)!,
        frame: c.frame,
        endFrame: c.endFrame ?? null,
        annotation: c.drawing ?? null,
        body: c.body,
        createdAt: ago(c.hoursAgo),
        resolvedAt: c.resolved ? ago(c.resolved.hoursAgo) : null,
        resolvedBy: c.resolved ? id.get(c.resolved.by)! : null,
      })
      .returning({ id: reviewComments.id });
    const at = commentTimecode({ frame: c.frame, endFrame: c.endFrame ?? null }, DEMO_RATE);
    await audit(c.by, "submission.commented", c.hoursAgo, {
      version: 1,
      frame: c.frame,
      endFrame: c.endFrame ?? null,
      drawing: c.drawing !== undefined,
      commentId: comment!.id,
    });
    await notice(null, "review_comment", `Comment at ${at} on ${demo.title}`, c.body, c.hoursAgo);
    for (const r of c.replies ?? []) {
      const [reply] = await tx
        .insert(reviewReplies)
        .values({
          commentId: comment!.id,
          authorId: id.get(r.by)!,
          body: r.body,
          createdAt: ago(r.hoursAgo),
        })
        .returning({ id: reviewReplies.id });
      await audit(r.by, "submission.comment_replied", r.hoursAgo, {
        commentId: comment!.id,
        replyId: reply!.id,
        version: 1,
      });
      const title = `${name.get(r.by)} replied at ${at} on ${demo.title}`;
      // The artist hears of reviewers' replies; the comment's reviewer hears of the artist's.
      if (r.by === demo.artist) {
        await notice(
          c.by,
          "review_thread_reply",
          title,
          r.body,
          r.hoursAgo,
          `/review/${submissionId}`,
        );
      } else await notice(null, "review_reply", title, r.body, r.hoursAgo);
    }
    if (c.resolved)
      await audit(c.resolved.by, "submission.comment_resolved", c.resolved.hoursAgo, {
        commentId: comment!.id,
      });
  }
  const approvals = new Map<number, number>();
  for (const d of demo.decisions ?? []) {
    const version = d.version ?? 1;
    const checklist = checklistOf(d);
    await tx.insert(reviewDecisions).values({
      submissionId,
      versionNumber: version,
      reviewerId: id.get(d.by)!,
      decision: d.decision,
      reasonCategory: d.reason ?? null,
      note: d.note ?? null,
      checklist: d.decision === "approve" || d.failed ? checklist : [],
      createdAt: ago(d.hoursAgo),
    });
    if (d.decision === "approve") approvals.set(version, (approvals.get(version) ?? 0) + 1);
    const outcome =
      d.decision === "approve"
        ? (approvals.get(version) ?? 0) >= (demo.use === "commercial" ? 2 : 1)
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
        version,
        reasonCategory: d.reason ?? null,
        ...(d.decision === "approve" || d.failed ? { checklist } : {}),
      },
    );
    const titles = {
      approved: "Approved",
      first_approval: "1 of 2 approvals",
      rejected: "Rejected",
      changes_requested: "Changes requested",
    } as const;
    await notice(
      null,
      `submission_${outcome}`,
      `${titles[outcome]}: ${demo.title}`,
      [d.reason, d.note, d.failed?.length ? `Not met: ${d.failed.join("; ")}` : null]
        .filter(Boolean)
        .join(" — ") || `Version ${version} is approved.`,
      d.hoursAgo,
    );
  }
  if (demo.withdrawnHoursAgo)
    await audit(demo.artist, "submission.withdrawn", demo.withdrawnHoursAgo);
  audits.sort((a, b) => a.createdAt!.getTime() - b.createdAt!.getTime());
  await tx.insert(auditLog).values(audits);
}

import { and, asc, eq, inArray } from "drizzle-orm";
import { alias } from "drizzle-orm/pg-core";
import { z } from "zod";
import { describeShapes } from "~/lib/annotations";
import { can } from "~/lib/permissions";
import { clipRate } from "~/lib/review";
import { formatTimecode, parseTimecode, startOfFrame } from "~/lib/timecode";
import {
  clips,
  reviewComments,
  reviewReplies,
  submissions,
  submissionVersions,
  users,
} from "~db/schema";
import type { ActingUser } from "../auth/guards";
import { toCsv } from "../csv";
import type { Db } from "../db";
import { ForbiddenError, UserError } from "../errors";

// A version's comments for the tools people finish clips in: a CSV for spreadsheets and trackers,
// and markers an editor imports onto a timeline, at the clip's own frame rate and timecode:
//
// - "edl": DaVinci Resolve's marker EDL (CMX 3600, one-frame events whose comment line carries
//   |C:colour |M:name |D:duration), imported with Timelines > Import > Timeline Markers from EDL;
// - "avid": an Avid Media Composer marker list (tab-separated text), imported in the Markers
//   window.
//
// Both start at the timecode the editor's timeline starts at (00:00:00:00 unless asked).

export const EXPORT_FORMATS = ["csv", "edl", "avid"] as const;
export type ExportFormat = (typeof EXPORT_FORMATS)[number];

export const exportQuery = z.object({
  version: z.coerce.number().int().positive().max(10_000).optional(),
  format: z.enum(EXPORT_FORMATS, { error: "Choose csv, edl or avid." }),
  // Where the editor's timeline starts, e.g. 01:00:00:00.
  start: z
    .string()
    .regex(/^\d{2}:\d{2}:\d{2}:\d{2}$/, "Write the start as HH:MM:SS:FF.")
    .optional(),
});
export type ExportQuery = z.infer<typeof exportQuery>;

export const COMMENTS_CSV_HEADER = [
  "submission_id",
  "title",
  "version",
  "comment_id",
  "kind",
  "reply_to",
  "timecode_in",
  "timecode_out",
  "frame_in",
  "frame_out",
  "seconds_in",
  "frame_rate",
  "author",
  "body",
  "drawing",
  "resolved",
  "resolved_by",
  "created_at",
];

const author = alias(users, "author");
const resolver = alias(users, "resolver");

/** One line of text an EDL or a tab-separated list can carry: no breaks, tabs or pipes. */
function oneLine(text: string, max: number) {
  const flat = text
    .replace(/[\p{Cc}|]+/gu, " ")
    .replace(/\s+/g, " ")
    .trim();
  return flat.length > max ? `${flat.slice(0, max - 1)}…` : flat;
}

function fileSlug(title: string) {
  const slug = title
    .normalize("NFKD")
    .replace(/[^\w\s-]/g, "")
    .trim()
    .replace(/[\s_]+/g, "-")
    .toLowerCase()
    .slice(0, 60);
  return slug || "submission";
}

/**
 * The comments (and their replies) of one version, as the format asks. Artists export their own
 * submissions; reviewers any they can see. An unknown version or timecode is a 404 or 400.
 */
export async function exportComments(
  db: Db,
  actor: ActingUser,
  submissionId: string,
  query: ExportQuery,
) {
  const reviewer = can(actor.role, "review:work");
  if (!reviewer && !can(actor.role, "studio:use")) throw new ForbiddenError();
  const [submission] = await db
    .select({
      id: submissions.id,
      userId: submissions.userId,
      title: submissions.title,
      state: submissions.state,
      currentVersion: submissions.currentVersion,
      artistName: users.displayName,
      artistEmail: users.email,
    })
    .from(submissions)
    .innerJoin(users, eq(users.id, submissions.userId))
    .where(
      and(
        eq(submissions.id, submissionId),
        reviewer ? undefined : eq(submissions.userId, actor.id),
      ),
    );
  if (!submission || (reviewer && submission.state === "withdrawn"))
    throw new UserError("There is no such submission.", 404);
  const version = query.version ?? submission.currentVersion;
  const [clip] = await db
    .select({ frameRate: clips.frameRate })
    .from(submissionVersions)
    .innerJoin(clips, eq(clips.id, submissionVersions.clipId))
    .where(
      and(
        eq(submissionVersions.submissionId, submissionId),
        eq(submissionVersions.number, version),
      ),
    );
  if (!clip) throw new UserError("There is no such version.", 404);
  const rate = clipRate(clip.frameRate);
  const start = query.start === undefined ? 0 : parseTimecode(query.start, rate);
  if (start === null)
    throw new UserError("That start timecode does not exist at this clip's frame rate.", 400);

  const comments = await db
    .select({
      id: reviewComments.id,
      frame: reviewComments.frame,
      endFrame: reviewComments.endFrame,
      annotation: reviewComments.annotation,
      body: reviewComments.body,
      createdAt: reviewComments.createdAt,
      authorName: author.displayName,
      resolvedAt: reviewComments.resolvedAt,
      resolverId: reviewComments.resolvedBy,
      resolverName: resolver.displayName,
    })
    .from(reviewComments)
    .innerJoin(author, eq(author.id, reviewComments.authorId))
    .leftJoin(resolver, eq(resolver.id, reviewComments.resolvedBy))
    .where(
      and(eq(reviewComments.submissionId, submissionId), eq(reviewComments.versionNumber, version)),
    )
    .orderBy(asc(reviewComments.frame), asc(reviewComments.id));
  const replies = comments.length
    ? await db
        .select({
          id: reviewReplies.id,
          commentId: reviewReplies.commentId,
          body: reviewReplies.body,
          createdAt: reviewReplies.createdAt,
          authorId: reviewReplies.authorId,
          authorName: author.displayName,
        })
        .from(reviewReplies)
        .innerJoin(author, eq(author.id, reviewReplies.authorId))
        .where(
          inArray(
            reviewReplies.commentId,
            comments.map((c) => c.id),
          ),
        )
        .orderBy(asc(reviewReplies.createdAt), asc(reviewReplies.id))
    : [];

  const artist = submission.artistName || submission.artistEmail;
  // As the pages show them: a reviewer without a display name is never named by email address.
  const nameOf = (id: string | null, name: string | null) =>
    id === submission.userId ? artist : name || "A reviewer";
  const tc = (frame: number) => formatTimecode(start + frame, rate);
  const base = `${fileSlug(submission.title)}-v${version}`;

  if (query.format === "csv") {
    const rows: (string | number | null)[][] = [];
    for (const c of comments) {
      const shared = [
        tc(c.frame),
        tc(c.endFrame ?? c.frame),
        c.frame,
        c.endFrame ?? c.frame,
        Number(startOfFrame(c.frame, rate).toFixed(6)),
        `${rate.num}/${rate.den}`,
      ];
      rows.push([
        submission.id,
        submission.title,
        version,
        c.id,
        "comment",
        null,
        ...shared,
        nameOf(null, c.authorName),
        c.body,
        c.annotation?.shapes.length ? describeShapes(c.annotation.shapes) : null,
        c.resolvedAt ? "yes" : "no",
        c.resolverId ? nameOf(c.resolverId, c.resolverName) : null,
        c.createdAt.toISOString(),
      ]);
      for (const r of replies.filter((reply) => reply.commentId === c.id))
        rows.push([
          submission.id,
          submission.title,
          version,
          r.id,
          "reply",
          c.id,
          ...shared,
          nameOf(r.authorId, r.authorName),
          r.body,
          null,
          null,
          null,
          r.createdAt.toISOString(),
        ]);
    }
    return {
      filename: `${base}-comments.csv`,
      contentType: "text/csv; charset=utf-8",
      body: toCsv(COMMENTS_CSV_HEADER, rows),
    };
  }

  const marker = (c: (typeof comments)[number]) => {
    const count = replies.filter((r) => r.commentId === c.id).length;
    const extras = [
      c.annotation?.shapes.length ? `drawing: ${describeShapes(c.annotation.shapes)}` : null,
      count ? `${count} repl${count === 1 ? "y" : "ies"}` : null,
      c.resolvedAt ? "resolved" : null,
    ].filter(Boolean);
    return {
      name: oneLine(`${nameOf(null, c.authorName)}: ${c.body}`, 80),
      note: oneLine(`${c.body}${extras.length ? ` (${extras.join("; ")})` : ""}`, 500),
      duration: (c.endFrame ?? c.frame) - c.frame + 1,
      resolved: c.resolvedAt !== null,
    };
  };

  if (query.format === "edl") {
    const lines = [
      `TITLE: ${oneLine(`${submission.title} v${version} review notes`, 70)}`,
      "FCM: NON-DROP FRAME",
      "",
    ];
    comments.forEach((c, i) => {
      const m = marker(c);
      const at = `${tc(c.frame)} ${tc(c.frame + 1)}`;
      lines.push(
        `${String(i + 1).padStart(3, "0")}  001      V     C        ${at} ${at}  `,
        `${m.note} |C:${m.resolved ? "ResolveColorGreen" : "ResolveColorRed"} |M:${m.name} |D:${m.duration}`,
        "",
      );
    });
    return {
      filename: `${base}-markers.edl`,
      contentType: "text/plain; charset=utf-8",
      body: lines.join("\r\n"),
    };
  }

  // Avid: user, timecode, track, colour, comment, duration in frames; one marker a line.
  const lines = comments.map((c) => {
    const m = marker(c);
    return [
      oneLine(nameOf(null, c.authorName), 40),
      tc(c.frame),
      "V1",
      m.resolved ? "green" : "red",
      m.note,
      String(m.duration),
    ].join("\t");
  });
  return {
    filename: `${base}-markers.txt`,
    contentType: "text/plain; charset=utf-8",
    body: lines.length ? `${lines.join("\r\n")}\r\n` : "",
  };
}

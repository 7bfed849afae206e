import { z } from "zod";
import {
  ANNOTATION_COLORS,
  MAX_ANNOTATION_BYTES,
  MAX_PEN_POINTS,
  MAX_SHAPES,
  MAX_TOTAL_POINTS,
  MAX_WIDTH,
  MIN_WIDTH,
  utf8Bytes,
  type Annotation,
  type AnnotationColor,
  type Shape,
} from "./annotations";

// The gate between the browser and the database for drawn notes (annotations.ts has the types):
// every number, array and key is bounded, so a crafted form post cannot store something the
// player chokes on. Server side and tests only: the player's pages do not carry zod.

const COLOR_IDS = ANNOTATION_COLORS.map((c) => c.id) as [AnnotationColor, ...AnnotationColor[]];

// Zod 4 refuses NaN and ±Infinity for z.number(), so "finite" comes with the type.
const coordinate = z
  .number({ error: "Each coordinate must be a number between 0 and 1." })
  .min(0, { error: "Each coordinate must be between 0 and 1 (inside the frame)." })
  .max(1, { error: "Each coordinate must be between 0 and 1 (inside the frame)." });

const point = z.tuple([coordinate, coordinate], {
  error: "Each point must be a pair of numbers [x, y].",
});

const color = z.enum(COLOR_IDS, {
  error: `The colour must be one of ${COLOR_IDS.join(", ")}.`,
});

const width = z
  .number({ error: `The line width must be a whole number from ${MIN_WIDTH} to ${MAX_WIDTH}.` })
  .int({ error: `The line width must be a whole number from ${MIN_WIDTH} to ${MAX_WIDTH}.` })
  .min(MIN_WIDTH, { error: `The line width must be from ${MIN_WIDTH} to ${MAX_WIDTH}.` })
  .max(MAX_WIDTH, { error: `The line width must be from ${MIN_WIDTH} to ${MAX_WIDTH}.` });

/** strictObject's own errors: an unknown key, or not an object at all. */
const objectError = (what: string) => (issue: z.core.$ZodRawIssue) =>
  issue.code === "unrecognized_keys"
    ? `${what} has a field it should not: ${(issue as { keys?: string[] }).keys?.join(", ")}.`
    : `${what} must be an object.`;

const penShape = z.strictObject(
  {
    kind: z.literal("pen"),
    color,
    width,
    points: z
      .array(point, { error: "A pen line's points must be a list." })
      .min(2, { error: "A pen line needs at least 2 points." })
      .max(MAX_PEN_POINTS, {
        error: `A pen line may have at most ${MAX_PEN_POINTS} points; draw it in shorter strokes.`,
      }),
  },
  { error: objectError("A pen line") },
);

const arrowShape = z.strictObject(
  { kind: z.literal("arrow"), color, width, from: point, to: point },
  { error: objectError("An arrow") },
);

const rectShape = z
  .strictObject(
    {
      kind: z.literal("rect"),
      color,
      width,
      x: coordinate,
      y: coordinate,
      w: coordinate,
      h: coordinate,
    },
    { error: objectError("A rectangle") },
  )
  // A tiny tolerance: x + w is computed in floats by whoever drew it.
  .refine((r) => r.x + r.w <= 1 + 1e-9 && r.y + r.h <= 1 + 1e-9, {
    error: "A rectangle must fit inside the frame.",
  });

const shape = z.discriminatedUnion("kind", [penShape, arrowShape, rectShape], {
  error: (issue) =>
    issue.code === "invalid_union"
      ? "Each shape must be a pen line, an arrow or a rectangle."
      : "Each shape must be an object.",
});

const pointsIn = (s: Shape) => (s.kind === "pen" ? s.points.length : 2);

export const annotationSchema: z.ZodType<Annotation> = z
  .strictObject(
    {
      v: z.literal(1, { error: "This drawing was made by a newer version (expected v: 1)." }),
      shapes: z
        .array(shape, { error: "The drawing's shapes must be a list." })
        .max(MAX_SHAPES, { error: `A drawing may have at most ${MAX_SHAPES} shapes.` }),
    },
    { error: objectError("The drawing") },
  )
  .refine((a) => a.shapes.reduce((sum, s) => sum + pointsIn(s), 0) <= MAX_TOTAL_POINTS, {
    error: `A drawing may have at most ${MAX_TOTAL_POINTS} points in all; simplify it.`,
  });

export type AnnotationResult = { ok: true; value: Annotation } | { ok: false; message: string };

const refuse = (message: string): AnnotationResult => ({ ok: false, message });

/** "Shape 3, point 12: …" from a zod path like ["shapes", 2, "points", 11, 0]. */
function where(path: PropertyKey[]) {
  const parts: string[] = [];
  for (let i = 0; i < path.length; i++) {
    const key = path[i];
    const next = path[i + 1];
    if (typeof next !== "number") continue;
    if (key === "shapes") parts.push(`Shape ${next + 1}`);
    if (key === "points") parts.push(`point ${next + 1}`);
  }
  return parts.length ? `${parts.join(", ")}: ` : "";
}

/**
 * A stored or posted note → its value, or a message a person can act on. Refuses more than
 * 64 KB of JSON and any NUL character before parsing, then everything the schema refuses.
 */
export function parseAnnotation(json: string): AnnotationResult {
  if (typeof json !== "string") return refuse("The drawing must be sent as JSON text.");
  // Length in UTF-16 units never exceeds the UTF-8 byte length, so this cheap check is safe.
  if (json.length > MAX_ANNOTATION_BYTES || utf8Bytes(json) > MAX_ANNOTATION_BYTES)
    return refuse("The drawing is too detailed to save (over 64 KB); remove a few strokes.");
  if (json.includes("\u0000") || /\\u0000/i.test(json))
    return refuse("The drawing contains a NUL character, which is not allowed.");
  let data: unknown;
  try {
    data = JSON.parse(json);
  } catch {
    return refuse("The drawing is not valid JSON.");
  }
  const parsed = annotationSchema.safeParse(data);
  if (parsed.success) return { ok: true, value: parsed.data };
  const issue = parsed.error.issues[0]!;
  return refuse(`${where(issue.path)}${issue.message}`);
}

/**
 * A form's `annotation` field: empty or missing means "no drawing" (null); anything else must be
 * a valid note. This is what an action should call.
 */
export function parseAnnotationField(
  value: unknown,
): { ok: true; value: Annotation | null } | { ok: false; message: string } {
  if (value === null || value === undefined || value === "") return { ok: true, value: null };
  if (typeof value !== "string") return refuse("The drawing must be sent as JSON text.");
  return parseAnnotation(value);
}

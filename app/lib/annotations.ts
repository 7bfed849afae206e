import { z } from "zod";

// A drawn note on a frame, stored with a review comment as JSON. Everything is vector data
// normalised to the video frame, so a note drawn on a phone lands on the same spot of the picture
// on a 4K monitor. The schema is the one gate between the browser and the database: it bounds
// every number, array and key so a crafted form post cannot store something the player chokes on.

/** The colours a person can draw in. Stored by `id`; `hex` is how the player paints them. */
export const ANNOTATION_COLORS = [
  { id: "red", name: "Red", hex: "#ef4444" },
  { id: "amber", name: "Amber", hex: "#f59e0b" },
  { id: "green", name: "Green", hex: "#22c55e" },
  { id: "blue", name: "Blue", hex: "#3b82f6" },
  { id: "white", name: "White", hex: "#ffffff" },
] as const;
export type AnnotationColor = (typeof ANNOTATION_COLORS)[number]["id"];
const COLOR_IDS = ANNOTATION_COLORS.map((c) => c.id) as [AnnotationColor, ...AnnotationColor[]];

export function colorHex(color: AnnotationColor) {
  return ANNOTATION_COLORS.find((c) => c.id === color)?.hex ?? "#ef4444";
}

/**
 * Stroke widths are whole numbers of WIDTH_UNIT (1/500 of the frame's width), 1..8: width 3 is
 * 0.6% of the frame, ~11 px on a 1920-wide picture and ~2 px on a phone, so the line covers the
 * same part of the picture at every size.
 */
export const WIDTH_UNIT = 1 / 500;
export const MIN_WIDTH = 1;
export const MAX_WIDTH = 8;
export const DEFAULT_WIDTH = 3;

export const MAX_SHAPES = 40;
export const MAX_PEN_POINTS = 2000;
export const MAX_TOTAL_POINTS = 10_000;
/** Bytes of JSON (UTF-8) a stored note may take. */
export const MAX_ANNOTATION_BYTES = 64 * 1024;

/** x and y as fractions of the frame's width and height: [0, 0] is top left, [1, 1] bottom right. */
export type Point = [number, number];

export type PenShape = {
  kind: "pen";
  color: AnnotationColor;
  width: number;
  points: Point[];
};
export type ArrowShape = {
  kind: "arrow";
  color: AnnotationColor;
  width: number;
  from: Point;
  to: Point;
};
export type RectShape = {
  kind: "rect";
  color: AnnotationColor;
  width: number;
  x: number;
  y: number;
  w: number;
  h: number;
};
export type Shape = PenShape | ArrowShape | RectShape;
export type Annotation = { v: 1; shapes: Shape[] };

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

function utf8Bytes(text: string) {
  return new TextEncoder().encode(text).length;
}

// Four decimals is 0.2 px on a 1920-wide frame: invisible, and it keeps a 2000-point line ~32 KB.
const round = (n: number) => Math.round(Math.min(1, Math.max(0, n)) * 10_000) / 10_000;
const roundPoint = ([x, y]: Point): Point => [round(x), round(y)];

/** A note as compact JSON, coordinates rounded to 1/10000 of the frame and clamped into it. */
export function serializeAnnotation(value: Annotation): string {
  const shapes = value.shapes.map((s): Shape => {
    switch (s.kind) {
      case "pen":
        return { ...s, points: s.points.map(roundPoint) };
      case "arrow":
        return { ...s, from: roundPoint(s.from), to: roundPoint(s.to) };
      case "rect": {
        const x = round(s.x);
        const y = round(s.y);
        return {
          ...s,
          x,
          y,
          w: Math.min(round(s.w), round(1 - x)),
          h: Math.min(round(s.h), round(1 - y)),
        };
      }
    }
  });
  return JSON.stringify({ v: 1, shapes });
}

/**
 * Ramer–Douglas–Peucker: drops the points of a pen line that lie within `epsilon` (a fraction of
 * the frame's width) of the line through their neighbours. `aspect` (width / height) makes the
 * distance isotropic, since y is a fraction of the height. If the result still has more than
 * `maxPoints`, epsilon doubles until it fits, so a long scribble is always storable.
 */
export function simplifyPoints(
  points: Point[],
  { epsilon = 0.0015, aspect = 16 / 9, maxPoints = MAX_PEN_POINTS } = {},
): Point[] {
  let tolerance = epsilon;
  let result = rdp(points, tolerance, aspect);
  while (result.length > maxPoints) {
    tolerance *= 2;
    result = rdp(points, tolerance, aspect);
  }
  return result;
}

function rdp(points: Point[], epsilon: number, aspect: number): Point[] {
  if (points.length <= 2) return points.slice();
  const yScale = 1 / (Number.isFinite(aspect) && aspect > 0 ? aspect : 16 / 9);
  const keep = new Uint8Array(points.length);
  keep[0] = 1;
  keep[points.length - 1] = 1;
  // An explicit stack rather than recursion: a long stroke must not overflow the call stack.
  const stack: [number, number][] = [[0, points.length - 1]];
  while (stack.length) {
    const [first, last] = stack.pop()!;
    const [ax, ay] = points[first]!;
    const [bx, by] = points[last]!;
    const dx = bx - ax;
    const dy = (by - ay) * yScale;
    const length = Math.hypot(dx, dy);
    let farthest = -1;
    let farthestDistance = epsilon;
    for (let i = first + 1; i < last; i++) {
      const [px, py] = points[i]!;
      const qx = px - ax;
      const qy = (py - ay) * yScale;
      const distance = length === 0 ? Math.hypot(qx, qy) : Math.abs(dx * qy - dy * qx) / length;
      if (distance > farthestDistance) {
        farthest = i;
        farthestDistance = distance;
      }
    }
    if (farthest !== -1) {
      keep[farthest] = 1;
      stack.push([first, farthest], [farthest, last]);
    }
  }
  return points.filter((_, i) => keep[i] === 1);
}

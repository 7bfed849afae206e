// A drawn note on a frame, stored with a review comment as JSON. Everything is vector data
// normalised to the video frame, so a note drawn on a phone lands on the same spot of the picture
// on a 4K monitor. The schema (annotation-schema.ts, server side) is the one gate between the
// browser and the database: it bounds every number, array and key so a crafted form post cannot
// store something the player chokes on. This module has no zod in it, so the player's pages do not
// carry the validator to the browser; the drawing tools check the limits with drawingLimitProblem.

/** The colours a person can draw in. Stored by `id`; `hex` is how the player paints them. */
export const ANNOTATION_COLORS = [
  { id: "red", name: "Red", hex: "#ef4444" },
  { id: "amber", name: "Amber", hex: "#f59e0b" },
  { id: "green", name: "Green", hex: "#22c55e" },
  { id: "blue", name: "Blue", hex: "#3b82f6" },
  { id: "white", name: "White", hex: "#ffffff" },
] as const;
export type AnnotationColor = (typeof ANNOTATION_COLORS)[number]["id"];

const SHAPE_NAMES = { pen: "pen line", arrow: "arrow", rect: "rectangle" } as const;

/** "red arrow, white pen line": a drawing in words, for screen readers and exports. */
export function describeShapes(shapes: Shape[]) {
  return shapes
    .map((s) => {
      const name = ANNOTATION_COLORS.find((c) => c.id === s.color)?.name ?? s.color;
      return `${name.toLowerCase()} ${SHAPE_NAMES[s.kind]}`;
    })
    .join(", ");
}

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

export function utf8Bytes(text: string) {
  return new TextEncoder().encode(text).length;
}

const pointsIn = (s: Shape) => (s.kind === "pen" ? s.points.length : 2);

/**
 * Why a drawing made with the tools could not be stored (too many shapes or points, too large),
 * in the words the schema uses; null when it fits. The tools only make well-formed shapes inside
 * the frame, so the limits are all there is to check in the browser.
 */
export function drawingLimitProblem(shapes: Shape[]): string | null {
  if (shapes.length > MAX_SHAPES) return `A drawing may have at most ${MAX_SHAPES} shapes.`;
  const pen = shapes.findIndex((s) => s.kind === "pen" && s.points.length > MAX_PEN_POINTS);
  if (pen !== -1)
    return `Shape ${pen + 1}: A pen line may have at most ${MAX_PEN_POINTS} points; draw it in shorter strokes.`;
  if (shapes.reduce((sum, s) => sum + pointsIn(s), 0) > MAX_TOTAL_POINTS)
    return `A drawing may have at most ${MAX_TOTAL_POINTS} points in all; simplify it.`;
  if (utf8Bytes(serializeAnnotation({ v: 1, shapes })) > MAX_ANNOTATION_BYTES)
    return "The drawing is too detailed to save (over 64 KB); remove a few strokes.";
  return null;
}

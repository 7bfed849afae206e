import type { Annotation } from "~/lib/annotations";

/** Frames, inclusive at both ends: { in: 24, out: 47 } is the clip's second second at 24 fps. */
export type FrameRange = { in: number; out: number };

/** A comment on the timeline. `annotation` is its parsed drawing, if it has one. */
export type PlayerMarker = {
  id: string | number;
  frame: number;
  /** Inclusive last frame of a comment about a range; omit for a single frame. */
  endFrame?: number;
  /** Short text for the marker's accessible name and tooltip (e.g. author and first words). */
  label: string;
  annotation?: Annotation | null;
};

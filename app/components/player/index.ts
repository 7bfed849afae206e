// The review room's player. Pages import from here; the files behind it are free to move.
export { FramePlayer, shapesOnFrame } from "./frame-player";
export type {
  FramePlayerProps,
  PlayerHandle,
  PlayerSnapshot,
  FrameRange,
  PlayerMarker,
} from "./frame-player";
export { AnnotationEditor, AnnotationLayer, describeShapes } from "./annotation-layer";
export type { DrawingTool } from "./annotation-layer";
export { SHORTCUTS } from "./shortcut-sheet";
export { ComparePlayer } from "./compare-player";
export type { CompareHandle, CompareMode, CompareSide } from "./compare-player";

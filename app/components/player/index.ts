// The review room's player. Pages import from here; the files behind it are free to move.
export { FramePlayer, shapesOnFrame } from "./frame-player";
export type { FramePlayerProps, PlayerSnapshot, FrameRange, PlayerMarker } from "./frame-player";
export { AnnotationEditor, AnnotationLayer, describeShapes } from "./annotation-layer";
export type { DrawingTool } from "./annotation-layer";
export { SHORTCUTS } from "./shortcut-sheet";

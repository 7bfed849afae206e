// Where the picture sits inside the <video> box. With object-fit: contain the browser letterboxes
// the frame; drawings must map to the picture, not to the box, or a note drawn on a phone in
// portrait would be offset on a wide monitor.

export type Box = { x: number; y: number; width: number; height: number };

/** The picture's box inside a `width` × `height` element, for a frame of `aspect` (w / h). */
export function containBox(width: number, height: number, aspect: number): Box {
  if (!(width > 0 && height > 0 && aspect > 0)) return { x: 0, y: 0, width: 0, height: 0 };
  if (width / height > aspect) {
    const w = height * aspect;
    return { x: (width - w) / 2, y: 0, width: w, height };
  }
  const h = width / aspect;
  return { x: 0, y: (height - h) / 2, width, height: h };
}

const clamp01 = (n: number) => (Number.isFinite(n) ? Math.min(1, Math.max(0, n)) : 0);

/**
 * A pointer position (client pixels) → normalised frame coordinates, clamped to the frame so a
 * stroke that wanders into the letterbox bars stays on the picture's edge.
 */
export function clientToFrame(
  clientX: number,
  clientY: number,
  element: { left: number; top: number; width: number; height: number },
  aspect: number,
): [number, number] {
  const picture = containBox(element.width, element.height, aspect);
  if (picture.width === 0) return [0, 0];
  return [
    clamp01((clientX - element.left - picture.x) / picture.width),
    clamp01((clientY - element.top - picture.y) / picture.height),
  ];
}

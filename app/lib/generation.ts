// The generation options an artist can choose, shared by the studio form and the server.
export const DURATIONS = [5, 10, 15, 20] as const;
export type DurationSeconds = (typeof DURATIONS)[number];

export const RESOLUTIONS = ["480p", "720p", "1080p"] as const;
export type Resolution = (typeof RESOLUTIONS)[number];

export const ASPECT_RATIOS = ["16:9", "9:16", "1:1"] as const;
export type AspectRatio = (typeof ASPECT_RATIOS)[number];

export const STYLE_PRESETS = [
  { id: "none", label: "None", description: "The scene as it comes." },
  { id: "cinematic", label: "Cinematic", description: "Letterboxed, warm and contrasty." },
  { id: "animation", label: "Animation", description: "Bright, saturated, flat colour." },
  { id: "documentary", label: "Documentary", description: "Muted colour with film grain." },
  { id: "noir", label: "Noir", description: "Black and white, hard contrast." },
  { id: "dreamlike", label: "Dreamlike", description: "Soft focus and drifting hues." },
  { id: "retro", label: "Retro", description: "Faded 1970s colour and vignette." },
] as const;
export type StylePreset = (typeof STYLE_PRESETS)[number]["id"];

/** Frame size for a resolution and aspect ratio: the resolution names the short side. */
export function frameSize(
  resolution: Resolution,
  aspect: AspectRatio,
): { width: number; height: number } {
  const short = Number.parseInt(resolution, 10);
  const even = (n: number) => Math.round(n / 2) * 2;
  if (aspect === "1:1") return { width: short, height: short };
  const long = even((short * 16) / 9);
  return aspect === "16:9" ? { width: long, height: short } : { width: short, height: long };
}

import { randomUUID } from "node:crypto";
import { rename, rm } from "node:fs/promises";
import path from "node:path";
import { ASPECT_RATIOS, DURATIONS, RESOLUTIONS } from "~/lib/generation";
import { MediaError } from "../media";
import { renderLocalClip, type RenderedClip } from "./local-renderer";
import { ProviderError, type ProviderPoll, type VideoProvider } from "./provider";

type Render = {
  /** Inside the folder of the try (ProviderRequest.workDir). */
  folder: string;
  progress: number;
  state: "running" | "succeeded" | "failed" | "canceled";
  error?: string;
  controller: AbortController;
  result: Promise<RenderedClip>;
};

/**
 * The default provider: the local stand-in renderer behind the provider interface. A render lives
 * in this process only, so it is not resumable: if the process dies, the job is rendered again.
 * It burns the watermark in the same ffmpeg pass and checks the file before it reports success,
 * so its output is `finished` (the runner seals it).
 */
export function createLocalProvider(): VideoProvider {
  const renders = new Map<string, Render>();

  const find = (id: string) => {
    const render = renders.get(id);
    if (!render) throw new ProviderError("The render was lost when its worker restarted.", true);
    return render;
  };

  return {
    id: "local",
    model: "greenroom-stand-in-v1",
    capabilities: { durations: DURATIONS, resolutions: RESOLUTIONS, aspectRatios: ASPECT_RATIOS },
    // Renders a reference image as the backdrop of its scene.
    takesImage: true,
    resumable: false,
    pollIntervalMs: 250,

    async submit(request) {
      const id = randomUUID();
      const controller = new AbortController();
      const folder = path.join(request.workDir, "render");
      const render: Render = {
        folder,
        progress: 0,
        state: "running",
        controller,
        result: Promise.resolve(null as never),
      };
      render.result = renderLocalClip(
        {
          prompt: request.prompt,
          seed: request.seed,
          style: request.style,
          durationSeconds: request.durationSeconds,
          resolution: request.resolution,
          aspectRatio: request.aspectRatio,
          watermark: request.watermark,
          backdropPath: request.referenceImagePath ?? null,
        },
        folder,
        {
          signal: controller.signal,
          // The poster is made after the video: keep a little progress back for it.
          onProgress: (fraction) => (render.progress = Math.min(0.98, fraction)),
        },
      );
      render.result.then(
        () => {
          render.state = "succeeded";
          render.progress = 1;
        },
        (error: unknown) => {
          void rm(folder, { recursive: true, force: true });
          if (render.state === "canceled") return;
          render.state = "failed";
          render.error =
            error instanceof MediaError ? error.message : "The stand-in renderer stopped.";
        },
      );
      renders.set(id, render);
      return { providerJobId: id };
    },

    async poll(id): Promise<ProviderPoll> {
      const render = find(id);
      // A failure is reported once; nothing else will ask about it.
      if (render.state === "failed") renders.delete(id);
      return { status: render.state, progress: render.progress, error: render.error };
    },

    async cancel(id) {
      const render = renders.get(id);
      if (!render) return;
      render.state = "canceled";
      render.controller.abort();
      await render.result.catch(() => undefined);
      renders.delete(id);
      await rm(render.folder, { recursive: true, force: true });
    },

    // Moves the files into the runner's folder, which the runner removes when it is done.
    async fetchResult(id, dir) {
      const render = find(id);
      renders.delete(id);
      const clip = await render.result;
      const videoPath = path.join(dir, "video.mp4");
      const posterPath = path.join(dir, "poster.jpg");
      await rename(clip.videoPath, videoPath);
      await rename(clip.posterPath, posterPath);
      await rm(render.folder, { recursive: true, force: true });
      // renderLocalClip checked the file against this request before it resolved.
      return { videoPath, posterPath, finished: true, checked: clip.probe };
    },
  };
}

import type { AspectRatio, Resolution, StylePreset } from "~/lib/generation";
import type { ProbeResult } from "../media";

// Every video provider sits behind this one interface. The job runner submits a request, polls it
// until it settles (reporting progress), cancels it when the artist does, and fetches the result
// into a local file at once, because provider links expire. The runner then burns in the
// watermark, checks the file, seals it (the record and C2PA Content Credentials) and stores it:
// providers never do that themselves, except `local`, which renders, marks and checks in the same
// pass (the runner still seals it).

export type ProviderStatus = "queued" | "running" | "succeeded" | "failed" | "canceled";

export type ProviderCapabilities = {
  durations: readonly number[];
  resolutions: readonly Resolution[];
  aspectRatios: readonly AspectRatio[];
};

export type ProviderRequest = {
  /** Our generation job id; providers may use it for idempotency. */
  jobId: string;
  prompt: string;
  durationSeconds: number;
  resolution: Resolution;
  aspectRatio: AspectRatio;
  style: StylePreset;
  seed: number;
  /**
   * A folder of this try the provider may work in (the local renderer renders there). The runner
   * removes it when the try ends, and a sweep removes it if the worker died (scratch.ts).
   */
  workDir: string;
  /** Local renderer only: the visible mark it burns in the same pass. */
  watermark: string;
  /**
   * The model to run, from the catalog entry the artist picked (generation_models.model); the
   * provider's configured model when absent.
   */
  model?: string;
  /**
   * The artist's reference image (image-to-video), already checked and stripped of metadata
   * (reference-images.ts), as a PNG in the try's folder; only for providers that take one.
   */
  referenceImagePath?: string | null;
};

export type ProviderPoll = {
  status: ProviderStatus;
  /** 0–1; providers that do not report progress give 0 until they finish. */
  progress: number;
  /** A message a person can read, when failed. */
  error?: string;
};

export type FetchedOutput =
  | {
      /** The provider's file as made: the runner fits, marks and checks it. */
      finished: false;
      /** Path of the downloaded MP4. */
      videoPath: string;
    }
  | {
      /**
       * The file already carries our watermark and has passed the output check against the
       * request (the local renderer does both in the same pass), so the runner only seals it,
       * without probing it again.
       */
      finished: true;
      /** Path of the rendered MP4. */
      videoPath: string;
      posterPath: string;
      /** What the check read from the file (outputs.checkClip). */
      checked: ProbeResult;
    };

export interface VideoProvider {
  readonly id: string;
  /** Model name recorded in provenance. */
  readonly model: string;
  readonly capabilities: ProviderCapabilities;
  /** Whether it can start from a reference image (image-to-video). */
  readonly takesImage?: boolean;
  /** Whether a job submitted by a worker that died can still be polled by another process. */
  readonly resumable: boolean;
  /** How often the runner polls, in milliseconds. */
  readonly pollIntervalMs: number;
  submit(request: ProviderRequest): Promise<{ providerJobId: string }>;
  poll(providerJobId: string): Promise<ProviderPoll>;
  cancel(providerJobId: string): Promise<void>;
  /** Downloads (or finishes rendering) the output into `dir`. Only after poll said succeeded. */
  fetchResult(providerJobId: string, dir: string): Promise<FetchedOutput>;
}

/**
 * A provider failure. `transient` ones (5xx, timeouts, rate limits, lost connections) are retried
 * with backoff; the rest fail the job with `message`, which the artist reads.
 */
export class ProviderError extends Error {
  constructor(
    message: string,
    readonly transient: boolean,
    /** From Retry-After, when the provider said how long to wait. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = "ProviderError";
  }
}

import type { ActingUser } from "../auth/guards";
import type { Db } from "../db";
import { UserError } from "../errors";
import type { ObjectStorage } from "../storage";
import { modelForArtist } from "./catalog";
import { queueGeneration, type GenerationRequest } from "./quota";
import { storeReferenceImage } from "./reference-images";
import type { ProviderCapabilities } from "./providers/provider";
import type { GenerationService } from "./setup";

// Queues a studio request on the catalog model the artist picked, with an optional reference
// image: the model must be open to them and able to make what was asked (and take an image, if
// one came), all checked before anything is stored.

export async function queueWithModel(
  db: Db,
  storage: ObjectStorage,
  artist: ActingUser,
  input: GenerationRequest,
  options: {
    modelId: string | undefined;
    /** The uploaded file's bytes; null or empty when none was chosen. */
    referenceImage: Uint8Array | null;
    service: GenerationService;
  },
) {
  const { service } = options;
  const configured = service.configured ?? [service.provider];
  const model = await modelForArtist(db, artist, options.modelId, configured);
  const providerId = model?.provider ?? service.provider;
  const takesImage = model
    ? model.takesImage
    : (service.takesImage ?? []).includes(service.provider);
  const image = options.referenceImage?.byteLength ? options.referenceImage : null;
  if (image && !takesImage)
    throw new UserError(
      `${model?.displayName ?? "This model"} cannot start from an image. Remove the image or pick a model that takes one.`,
      422,
      "referenceImage",
    );
  const referenceImageKey = image ? await storeReferenceImage(storage, image) : null;
  try {
    return await queueGeneration(db, artist, input, {
      id: providerId,
      capabilities:
        (model?.capabilities as ProviderCapabilities | undefined) ?? service.capabilities,
      modelId: model?.id ?? null,
      costMultiplier: model?.costMultiplier ?? 1,
      referenceImageKey,
    });
  } catch (error) {
    // Refused (quota, limits): nothing refers to the image.
    if (referenceImageKey) await storage.delete(referenceImageKey).catch(() => {});
    throw error;
  }
}

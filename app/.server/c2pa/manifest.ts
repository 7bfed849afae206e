// The Content Credentials Greenroom writes into its outputs (a C2PA manifest definition, as c2pa-rs
// takes it), and how a manifest store read from any file is put into words.

export const CLIP_ASSERTION = "com.greenroom.clip";
export const TRAINED_ALGORITHMIC_MEDIA =
  "http://cv.iptc.org/newscodes/digitalsourcetype/trainedAlgorithmicMedia";

export type OutputCredentials = {
  clipId: string;
  /** Pseudonymous: an HMAC of the account id, never the id or the email. */
  accountRef: string;
  provider: string;
  model: string;
  /** When the clip was made (ISO 8601). */
  createdAt: string;
  /** The visible mark burned into the pixels, or null for a watermark-free master. */
  watermark: string | null;
  /** A master's license. */
  licenseCode?: string;
};

/**
 * The manifest of one output: `c2pa.created` by a trained algorithm (the model and provider as the
 * software agent), `c2pa.watermarked.unbound` when the mark is burned in (a visible mark is not a
 * soft binding; plain `c2pa.watermarked` would need one and reads as invalid without it), and our
 * own assertion naming the clip, the account (pseudonymously) and, for a master, the license.
 */
export function outputManifest(
  output: OutputCredentials,
  asset: { title: string; format: string },
) {
  const actions: Record<string, unknown>[] = [
    {
      action: "c2pa.created",
      digitalSourceType: TRAINED_ALGORITHMIC_MEDIA,
      softwareAgent: { name: `${output.model} (${output.provider})` },
      when: output.createdAt,
    },
  ];
  if (output.watermark !== null)
    actions.push({
      action: "c2pa.watermarked.unbound",
      softwareAgent: { name: "Greenroom" },
      description: `A visible mark, "${output.watermark}", is burned into the picture.`,
    });
  return {
    claim_generator_info: [{ name: "Greenroom", version: "1" }],
    title: asset.title,
    format: asset.format,
    assertions: [
      { label: "c2pa.actions.v2", data: { actions } },
      {
        label: CLIP_ASSERTION,
        data: {
          clipId: output.clipId,
          accountRef: output.accountRef,
          ...(output.licenseCode ? { licenseCode: output.licenseCode } : {}),
        },
      },
    ],
  };
}

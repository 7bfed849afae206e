import { useActionData } from "@remix-run/react";
import { useState } from "react";
import { SelectField, TextField } from "~/components/ui/field";

// The studio's model catalog choice and the optional reference image (image-to-video). The server
// checks both again (model-jobs.ts): a model switched off meanwhile, or an image for a model that
// cannot take one, is refused next to its field.

export type PickableModel = {
  id: string;
  displayName: string;
  capabilities: { durations: number[]; resolutions: string[]; aspectRatios: string[] };
  takesImage: boolean;
  costMultiplier: number;
  isDefault: boolean;
};

function describe(model: PickableModel) {
  const parts = [
    `${model.capabilities.durations.join("/")} s`,
    model.capabilities.aspectRatios.join(" "),
    model.takesImage ? "takes an image" : null,
    model.costMultiplier !== 1 ? `${model.costMultiplier}× quota` : null,
  ].filter(Boolean);
  return `${model.displayName} (${parts.join(", ")})`;
}

export function ModelPicker({ models }: { models: PickableModel[] }) {
  const actionData = useActionData<{ ok: false; errors: Record<string, string> }>();
  const errors = actionData && actionData.ok === false ? actionData.errors : {};
  const [chosen, setChosen] = useState(
    () => models.find((m) => m.isDefault)?.id ?? models[0]?.id ?? "",
  );
  const model = models.find((m) => m.id === chosen);
  return (
    <div className="space-y-4">
      {models.length > 0 ? (
        <SelectField
          label="Model"
          name="modelId"
          value={chosen}
          onChange={(e) => setChosen(e.currentTarget.value)}
          error={errors.modelId}
          hint="The models open to you. Lengths and shapes a model cannot make are refused when you generate."
          options={models.map((m) => ({ value: m.id, label: describe(m) }))}
        />
      ) : null}
      <TextField
        label="Reference image (optional)"
        name="referenceImage"
        type="file"
        accept="image/png,image/jpeg,image/webp"
        disabled={model ? !model.takesImage : false}
        error={errors.referenceImage}
        hint={
          model && !model.takesImage
            ? `${model.displayName} cannot start from an image.`
            : "PNG, JPEG or WebP, up to 8 MB and 4096×4096 pixels. The clip starts from it; its metadata is removed and only you can use it."
        }
      />
    </div>
  );
}

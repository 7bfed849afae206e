import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { FormError, SelectField, TextField } from "~/components/ui/field";
import { Card, PageHeader } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import { ASPECT_RATIOS, DURATIONS, RESOLUTIONS } from "~/lib/generation";
import type { loader } from "./route";

type Model = ReturnType<typeof useLoaderData<typeof loader>>["models"][number];

const PROVIDERS = [
  { value: "local", label: "local (stand-in renderer)" },
  { value: "openai", label: "openai (OpenAI Videos API contract)" },
  { value: "replicate", label: "replicate" },
  { value: "fal", label: "fal (fal.ai queue)" },
];

/** The model catalog: what artists may pick, at what cost, for which cohorts. */
export function ModelsPage() {
  const { models, configured } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Models"
        description="The models the program offers. Artists pick among those that are on and open to their cohort. The default entry follows GENERATION_PROVIDER and its variables; its provider and model change only there."
      />
      {/* Wider than a phone: the table scrolls in its own box (reachable by keyboard) rather than
          squeezing its columns to a letter each. */}
      {/* eslint-disable-next-line jsx-a11y/no-noninteractive-tabindex */}
      <div className="overflow-x-auto" role="region" aria-label="Models" tabIndex={0}>
        <table className="w-full min-w-[44rem] text-left text-sm" aria-label="Models">
          <thead>
            <tr className="border-b border-stone-300">
              <th className="py-2 pr-3">Name</th>
              <th className="py-2 pr-3">Provider</th>
              <th className="py-2 pr-3">Model id</th>
              <th className="py-2 pr-3">Can make</th>
              <th className="py-2 pr-3">Image</th>
              <th className="py-2 pr-3">Cost</th>
              <th className="py-2 pr-3">Cohorts</th>
              <th className="py-2 pr-3">State</th>
            </tr>
          </thead>
          <tbody>
            {models.map((m) => (
              <ModelRow key={m.id} model={m} running={configured.includes(m.provider)} />
            ))}
          </tbody>
        </table>
      </div>
      <div className="mt-8 grid gap-6 lg:grid-cols-2">
        <ModelForm intent="create" title="Add a model" />
        {models.map((m) => (
          <ModelForm key={m.id} intent="update" title={`Edit ${m.displayName}`} model={m} />
        ))}
      </div>
    </>
  );
}

function ModelRow({ model, running }: { model: Model; running: boolean }) {
  const errors = useIntentErrors({ id: model.id });
  const c = model.capabilities;
  return (
    <tr className="border-b border-stone-200 align-top" data-model={model.id}>
      <td className="py-2 pr-3 font-medium">
        {model.displayName}
        {model.isDefault ? <span className="ml-1 text-xs text-stone-500">(default)</span> : null}
      </td>
      <td className="py-2 pr-3">
        {model.provider}
        {running ? null : (
          <span className="block text-xs text-amber-800">not configured on this server</span>
        )}
      </td>
      <td className="py-2 pr-3 font-mono text-xs">{model.model}</td>
      <td className="py-2 pr-3">
        {c.durations.join("/")} s · {c.resolutions.join(" ")} · {c.aspectRatios.join(" ")}
      </td>
      <td className="py-2 pr-3">{model.takesImage ? "yes" : "no"}</td>
      <td className="py-2 pr-3">{model.costMultiplier}× quota</td>
      <td className="py-2 pr-3">{model.cohorts.length ? model.cohorts.join(", ") : "everyone"}</td>
      <td className="py-2 pr-3">
        <Form method="post">
          <input type="hidden" name="id" value={model.id} />
          <input type="hidden" name="intent" value={model.enabled ? "disable" : "enable"} />
          <span className="mr-2">{model.enabled ? "On" : "Off"}</span>
          <Button
            type="submit"
            variant="secondary"
            aria-label={`${model.enabled ? "Switch off" : "Switch on"} ${model.displayName}`}
          >
            {model.enabled ? "Switch off" : "Switch on"}
          </Button>
        </Form>
        <FormError message={errors.form} />
      </td>
    </tr>
  );
}

function ModelForm({
  intent,
  title,
  model,
}: {
  intent: "create" | "update";
  title: string;
  model?: Model;
}) {
  const errors = useIntentErrors(model ? { id: model.id } : { form: "create" });
  const navigation = useNavigation();
  const caps = model?.capabilities;
  const locked = Boolean(model?.isDefault);
  const idPrefix = model ? `m-${model.id}` : "new";
  return (
    <Card>
      <h2 className="mb-3 text-lg font-semibold">{title}</h2>
      <Form method="post" className="space-y-3" noValidate>
        <input type="hidden" name="intent" value={intent} />
        {model ? <input type="hidden" name="id" value={model.id} /> : null}
        <FormError message={errors.form} />
        <TextField
          label="Name artists see"
          name="displayName"
          defaultValue={model?.displayName}
          required
          error={errors.displayName}
        />
        <div className="grid gap-3 sm:grid-cols-2">
          <SelectField
            label="Provider"
            name="provider"
            defaultValue={model?.provider ?? "openai"}
            disabled={locked}
            error={errors.provider}
            options={PROVIDERS}
          />
          <TextField
            label="Model id"
            name="model"
            defaultValue={model?.model}
            readOnly={locked}
            required
            error={errors.model}
            hint="The provider's name for it: sora-2, owner/name, fal-ai/…"
          />
        </div>
        {locked ? (
          <>
            <input type="hidden" name="provider" value={model!.provider} />
          </>
        ) : null}
        <Checkboxes
          legend="Lengths (seconds)"
          name="durations"
          idPrefix={idPrefix}
          values={DURATIONS.map(String)}
          checked={caps ? caps.durations.map(String) : ["5", "10"]}
          error={errors.durations}
        />
        <Checkboxes
          legend="Resolutions"
          name="resolutions"
          idPrefix={idPrefix}
          values={[...RESOLUTIONS]}
          checked={caps ? caps.resolutions : ["480p", "720p"]}
          error={errors.resolutions}
        />
        <Checkboxes
          legend="Shapes"
          name="aspectRatios"
          idPrefix={idPrefix}
          values={[...ASPECT_RATIOS]}
          checked={caps ? caps.aspectRatios : ["16:9", "9:16"]}
          error={errors.aspectRatios}
        />
        <label className="flex items-center gap-2 text-sm">
          <input type="checkbox" name="takesImage" defaultChecked={model?.takesImage ?? false} />
          Takes a reference image (image-to-video)
        </label>
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            label="Cost (quota seconds per second)"
            name="costMultiplier"
            inputMode="decimal"
            defaultValue={String(model?.costMultiplier ?? 1)}
            required
            error={errors.costMultiplier}
          />
          <TextField
            label="Cohorts (comma-separated)"
            name="cohorts"
            defaultValue={model?.cohorts.join(", ") ?? ""}
            error={errors.cohorts}
            hint="Empty: every artist."
          />
        </div>
        <Button type="submit" busy={navigation.formData?.get("intent") === intent}>
          {model ? "Save" : "Add model"}
        </Button>
      </Form>
    </Card>
  );
}

function Checkboxes(props: {
  legend: string;
  name: string;
  idPrefix: string;
  values: string[];
  checked: readonly string[];
  error?: string;
}) {
  const errorId = `${props.idPrefix}-${props.name}-error`;
  return (
    <fieldset aria-describedby={props.error ? errorId : undefined}>
      <legend className="text-sm font-medium">{props.legend}</legend>
      <div className="mt-1 flex flex-wrap gap-3 text-sm">
        {props.values.map((v) => (
          <label key={v} className="flex items-center gap-1">
            <input
              type="checkbox"
              name={props.name}
              value={v}
              defaultChecked={props.checked.includes(v)}
            />
            {v}
          </label>
        ))}
      </div>
      {props.error ? (
        <p id={errorId} className="mt-1 text-sm text-red-700">
          {props.error}
        </p>
      ) : null}
    </fieldset>
  );
}

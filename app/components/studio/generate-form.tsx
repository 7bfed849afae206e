import { Form, useActionData, useNavigation } from "@remix-run/react";
import { useState, type ReactNode } from "react";
import { Button } from "~/components/ui/button";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { ASPECT_RATIOS, DURATIONS, RESOLUTIONS, STYLE_PRESETS } from "~/lib/generation";

export type FormDefaults = {
  prompt: string;
  durationSeconds: number;
  resolution: string;
  aspectRatio: string;
  style: string;
  seed: number | null;
};

type Settings = { maxDurationSeconds: number; maxResolution: string } | null;
type Usage = { quotaSeconds: number; reservedSeconds: number; remainingSeconds: number };
type Capabilities = {
  durations: readonly number[];
  resolutions: readonly string[];
  aspectRatios: readonly string[];
};

const PROMPT_MAX = 2000;

/** What a duration costs, and why it cannot be chosen when it cannot. */
function durationLabel(seconds: number, allowed: boolean, remaining: number) {
  if (!allowed) return `${seconds} seconds (above your limit)`;
  if (seconds > remaining) return `${seconds} seconds (needs ${seconds} s, ${remaining} s left)`;
  return `${seconds} seconds · uses ${seconds} s`;
}

/** The studio's form: every choice above the artist's limits is shown but cannot be picked. */
export function GenerateForm(props: {
  settings: Settings;
  usage: Usage;
  capabilities: Capabilities;
  blocked: string | null;
  defaults: FormDefaults | null;
  /** More fields before the button (the model picker and reference image). */
  children?: ReactNode;
}) {
  const actionData = useActionData<{ ok: false; errors: Record<string, string> }>();
  const errors = actionData && actionData.ok === false ? actionData.errors : {};
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formMethod === "POST";
  const [promptLength, setPromptLength] = useState(props.defaults?.prompt.length ?? 0);
  const { settings, usage } = props;
  const maxDuration = settings?.maxDurationSeconds ?? 0;
  const maxRank = RESOLUTIONS.indexOf((settings?.maxResolution ?? "480p") as never);
  const allowedDurations = DURATIONS.filter(
    (d) => d <= maxDuration && props.capabilities.durations.includes(d),
  );
  const allowedResolutions = RESOLUTIONS.filter(
    (r, i) => i <= maxRank && props.capabilities.resolutions.includes(r),
  );
  const defaults = props.defaults;
  const used = usage.quotaSeconds - usage.remainingSeconds;

  return (
    <Form
      method="post"
      encType="multipart/form-data"
      className="mt-4 space-y-4"
      aria-describedby="quota-left"
    >
      <div id="quota-left" className="rounded-md bg-stone-100 px-3 py-2 text-sm">
        <p>
          <strong className="text-stone-900">{usage.remainingSeconds} s left</strong> of{" "}
          {usage.quotaSeconds} s this month
          {usage.reservedSeconds > 0
            ? ` · ${usage.reservedSeconds} s held for jobs in progress`
            : ""}
        </p>
        <meter
          className="mt-1 h-2 w-full"
          min={0}
          max={Math.max(1, usage.quotaSeconds)}
          value={used}
          aria-label="Quota used this month"
        />
      </div>
      <FormError message={props.blocked ?? errors.form} />
      <fieldset disabled={Boolean(props.blocked)} className="space-y-4">
        <TextAreaField
          label="Prompt"
          name="prompt"
          required
          maxLength={PROMPT_MAX}
          rows={4}
          defaultValue={defaults?.prompt}
          onChange={(e) => setPromptLength(e.currentTarget.value.length)}
          error={errors.prompt}
          hint={`${promptLength.toLocaleString("en")} / 2,000 characters`}
          placeholder="A lighthouse keeper's cat watching a storm roll in, slow push in"
        />
        <div className="grid gap-4 sm:grid-cols-2">
          <SelectField
            label="Duration"
            name="durationSeconds"
            defaultValue={String(defaults?.durationSeconds ?? allowedDurations[0] ?? DURATIONS[0])}
            error={errors.durationSeconds}
            hint={settings ? `Your limit: ${maxDuration} s per clip.` : undefined}
            options={DURATIONS.map((d) => ({
              value: String(d),
              label: durationLabel(d, allowedDurations.includes(d), usage.remainingSeconds),
              disabled: !allowedDurations.includes(d) || d > usage.remainingSeconds,
            }))}
          />
          <SelectField
            label="Resolution"
            name="resolution"
            defaultValue={defaults?.resolution ?? allowedResolutions.at(-1) ?? "480p"}
            error={errors.resolution}
            hint={settings ? `Your limit: ${settings.maxResolution}.` : undefined}
            options={RESOLUTIONS.map((r) => ({
              value: r,
              label: allowedResolutions.includes(r) ? r : `${r} (not available)`,
              disabled: !allowedResolutions.includes(r),
            }))}
          />
          <SelectField
            label="Aspect ratio"
            name="aspectRatio"
            defaultValue={defaults?.aspectRatio ?? "16:9"}
            error={errors.aspectRatio}
            options={ASPECT_RATIOS.map((a) => ({
              value: a,
              label: { "16:9": "16:9 landscape", "9:16": "9:16 portrait", "1:1": "1:1 square" }[a],
              disabled: !props.capabilities.aspectRatios.includes(a),
            }))}
          />
          <SelectField
            label="Style"
            name="style"
            defaultValue={defaults?.style ?? "none"}
            error={errors.style}
            options={STYLE_PRESETS.map((s) => ({
              value: s.id,
              label: `${s.label} — ${s.description}`,
            }))}
          />
        </div>
        <TextField
          label="Seed (optional)"
          name="seed"
          inputMode="numeric"
          pattern="[0-9]*"
          defaultValue={defaults?.seed ?? ""}
          error={errors.seed}
          hint="The same prompt, settings and seed make the same clip. Empty: a random seed, shown afterwards."
        />
        {props.children}
        <Button type="submit" busy={busy}>
          {busy ? "Queuing…" : "Generate"}
        </Button>
      </fieldset>
    </Form>
  );
}

import { Form, type useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { Card } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import { PROMOTION_CHANNELS } from "~/lib/money";
import type { loader } from "./route";

type Clip = ReturnType<typeof useLoaderData<typeof loader>>["clips"][number];

/** Asks an artist to let the program use an approved clip; a refusal shows on this form. */
export function AskForm({ clips, requestKey }: { clips: Clip[]; requestKey: string }) {
  const errors = useIntentErrors({ id: "ask" });
  const navigation = useNavigation();
  return (
    <Card>
      <h2 className="mb-3 text-lg font-semibold">Ask to use a clip</h2>
      {clips.length === 0 ? (
        <p className="text-sm text-stone-600">No approved clip is free to ask for.</p>
      ) : (
        <Form method="post" className="space-y-4" noValidate>
          <input type="hidden" name="intent" value="ask" />
          <input type="hidden" name="requestKey" value={requestKey} />
          <FormError message={errors.form} />
          <SelectField
            label="Approved clip"
            name="clipId"
            error={errors.clipId}
            options={clips.map((c) => ({ value: c.clipId, label: `${c.title} — ${c.artist}` }))}
          />
          <TextAreaField
            label="How it would be used"
            name="purpose"
            rows={3}
            required
            error={errors.purpose}
          />
          <fieldset aria-describedby={errors.channels ? "channels-error" : undefined}>
            <legend className="text-sm font-medium text-stone-800">Channels</legend>
            <div className="mt-1 grid grid-cols-2 gap-1 text-sm">
              {PROMOTION_CHANNELS.map((c) => (
                <label key={c} className="flex items-center gap-2">
                  <input type="checkbox" name="channels" value={c} className="size-4" /> {c}
                </label>
              ))}
            </div>
            {errors.channels ? (
              <p id="channels-error" className="mt-1 text-sm text-red-800">
                {errors.channels}
              </p>
            ) : null}
          </fieldset>
          <TextField
            label="Fee (optional)"
            name="feeMinor"
            inputMode="decimal"
            hint="Empty: the published rate per clip, in the artist's currency."
            error={errors.feeMinor}
          />
          <Button type="submit" busy={navigation.formData?.get("intent") === "ask"}>
            Ask the artist
          </Button>
        </Form>
      )}
    </Card>
  );
}

import { Form, useLoaderData, useNavigation } from "@remix-run/react";
import { useEffect, useState } from "react";
import { Button } from "~/components/ui/button";
import { MultiCombobox } from "~/components/ui/combobox";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { Card } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import { DateField } from "~/components/ui/date-field";
import { formatDay } from "~/lib/dates";
import { USE_LABELS } from "~/lib/review";
import { COUNTRY_OPTIONS, PLATFORMS } from "~/lib/rights";
import type { loader } from "./route";

/** Asks for rights to publish an approved submission: where, for how long, and how credited. */
export function RequestForm() {
  const { requestable, selected, today, trusted, requestKey } = useLoaderData<typeof loader>();
  const errors = useIntentErrors();
  const navigation = useNavigation();
  const [territory, setTerritory] = useState("worldwide");
  const [perpetual, setPerpetual] = useState(true);
  const [master, setMaster] = useState(false);
  // Before the page's script runs (or without it) the countries list is always there: the radio
  // buttons cannot show it, and a worldwide request ignores it.
  const [hydrated, setHydrated] = useState(false);
  useEffect(() => setHydrated(true), []);
  return (
    <Card>
      <h2 className="text-lg font-semibold">Request rights</h2>
      {trusted ? (
        <p className="mt-1 text-sm text-stone-700">
          You are in the trusted tier: non-commercial requests are granted at once.
        </p>
      ) : null}
      <Form method="post" className="mt-3 space-y-4" noValidate>
        <input type="hidden" name="requestKey" value={requestKey} />
        <SelectField
          name="submissionId"
          label="Approved submission"
          defaultValue={selected ?? requestable[0]?.id}
          error={errors.submissionId}
          options={requestable.map((s) => ({
            value: s.id,
            label: `${s.title} (${USE_LABELS[s.intendedUse]})`,
          }))}
        />
        <fieldset aria-describedby={errors.platforms ? "platforms-error" : undefined}>
          <legend className="text-sm font-medium text-stone-800">Platforms</legend>
          <div className="mt-1 grid grid-cols-2 gap-1">
            {PLATFORMS.map((p) => (
              <label key={p} className="flex items-center gap-2 text-sm">
                <input type="checkbox" name="platforms" value={p} />
                {p}
              </label>
            ))}
          </div>
          {errors.platforms ? (
            <p id="platforms-error" className="mt-1 text-sm text-red-700" role="alert">
              {errors.platforms}
            </p>
          ) : null}
        </fieldset>
        <TextField
          name="otherPlatform"
          label="Other platform (optional)"
          maxLength={80}
          error={errors.otherPlatform}
        />
        <div>
          <label className="flex items-start gap-2 text-sm">
            <input
              type="checkbox"
              name="commercial"
              className="mt-0.5"
              aria-describedby={errors.commercial ? "commercial-error" : "commercial-hint"}
            />
            <span>Commercial use</span>
          </label>
          <p id="commercial-hint" className="text-xs text-stone-600">
            Needs a submission approved for commercial use (two approvals).
          </p>
          {errors.commercial ? (
            <p id="commercial-error" className="mt-1 text-sm text-red-700" role="alert">
              {errors.commercial}
            </p>
          ) : null}
        </div>
        <fieldset>
          <legend className="text-sm font-medium text-stone-800">Territory</legend>
          <div className="mt-1 flex gap-4 text-sm">
            {(["worldwide", "countries"] as const).map((t) => (
              <label key={t} className="flex items-center gap-2">
                <input
                  type="radio"
                  name="territory"
                  value={t}
                  checked={territory === t}
                  onChange={() => setTerritory(t)}
                />
                {t === "worldwide" ? "Worldwide" : "These countries"}
              </label>
            ))}
          </div>
        </fieldset>
        {!hydrated || territory === "countries" ? (
          <MultiCombobox
            name="countries"
            label="Countries"
            options={COUNTRY_OPTIONS}
            placeholder="Type a country’s name, e.g. Japan"
            hint="Type to find a country, then Enter or click to add it; add as many as you need."
            noMatch={(q) => `No country matches “${q}”.`}
            error={errors.countries}
          />
        ) : null}
        <div className="grid grid-cols-2 gap-3">
          <DateField
            name="termStart"
            label="From"
            defaultValue={today}
            min={today}
            hint={`Today is ${formatDay(today)}.`}
            error={errors.termStart}
          />
          <DateField
            name="termEnd"
            label="Until"
            min={today}
            disabled={perpetual}
            error={errors.termEnd}
          />
        </div>
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="perpetual"
            checked={perpetual}
            onChange={(e) => setPerpetual(e.target.checked)}
          />
          Perpetual (no end date)
        </label>
        <TextField
          name="creditLine"
          label="Credit line"
          hint="As it will appear with the clip, e.g. “Made by Ari Artist with Greenroom”."
          maxLength={200}
          error={errors.creditLine}
        />
        <label className="flex items-center gap-2 text-sm">
          <input
            type="checkbox"
            name="masterNeeded"
            checked={master}
            onChange={(e) => setMaster(e.target.checked)}
          />
          I need a master without the visible watermark
        </label>
        {master ? (
          <TextAreaField
            name="masterReason"
            label="Why you need it"
            rows={2}
            maxLength={1000}
            error={errors.masterReason}
          />
        ) : null}
        <FormError message={errors.form} />
        <Button type="submit" busy={navigation.state === "submitting"}>
          Send request
        </Button>
      </Form>
    </Card>
  );
}

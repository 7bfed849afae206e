import { Form, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { FormError } from "~/components/ui/field";
import { COUNTRY_OPTIONS, countryName } from "~/lib/rights";
import { MultiCombobox } from "~/components/ui/combobox";
import { DateField } from "~/components/ui/date-field";
import type { FieldErrors } from "~/lib/validation";
import { ReasonForm } from "./reason-form";
import type { Item } from "./request-card";

/** A waiting request's answers: grant (with these terms or narrower), or deny with a reason. */
export function DecideForms({ item, errors }: { item: Item; errors: FieldErrors }) {
  const { request } = item;
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formData?.get("id") === request.id;
  return (
    <div className="mt-4 space-y-3 border-t border-stone-200 pt-4">
      <details open={Object.keys(errors).length > 0 && !errors.reason}>
        <summary className="cursor-pointer text-sm font-semibold text-brand-800">
          Grant, with these terms or narrower
        </summary>
        <Form method="post" className="mt-3 space-y-3" noValidate>
          <input type="hidden" name="intent" value="grant" />
          <input type="hidden" name="id" value={request.id} />
          <fieldset
            aria-describedby={errors.platforms ? `platforms-error-${request.id}` : undefined}
          >
            <legend className="text-sm font-medium">Platforms</legend>
            <div className="mt-1 flex flex-wrap gap-3">
              {request.platforms.map((p) => (
                <label key={p} className="flex items-center gap-2 text-sm">
                  <input type="checkbox" name="platforms" value={p} defaultChecked />
                  {p}
                </label>
              ))}
              {request.otherPlatform ? (
                <label className="flex items-center gap-2 text-sm">
                  <input
                    type="checkbox"
                    name="otherPlatform"
                    value={request.otherPlatform}
                    defaultChecked
                  />
                  {request.otherPlatform}
                </label>
              ) : null}
            </div>
            {errors.platforms ? (
              <p id={`platforms-error-${request.id}`} className="text-sm text-red-700" role="alert">
                {errors.platforms}
              </p>
            ) : null}
          </fieldset>
          {request.commercial ? (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="commercial" defaultChecked />
              Commercial use
            </label>
          ) : null}
          <fieldset>
            <legend className="text-sm font-medium">Territory</legend>
            {request.worldwide ? (
              <div className="mt-1 space-y-2 text-sm">
                <label className="flex items-center gap-2">
                  <input type="radio" name="territory" value="worldwide" defaultChecked />
                  Worldwide, as asked
                </label>
                <label className="flex items-center gap-2">
                  <input type="radio" name="territory" value="countries" />
                  Only these countries:
                </label>
                <MultiCombobox
                  name="countries"
                  label="Countries to grant"
                  options={COUNTRY_OPTIONS}
                  placeholder="Type a country’s name"
                  noMatch={(q) => `No country matches “${q}”.`}
                />
              </div>
            ) : (
              <>
                <input type="hidden" name="territory" value="countries" />
                <div className="mt-1 flex flex-wrap gap-3">
                  {request.countries.map((c) => (
                    <label key={c} className="flex items-center gap-2 text-sm">
                      <input type="checkbox" name="countries" value={c} defaultChecked />
                      {countryName(c)}
                    </label>
                  ))}
                </div>
              </>
            )}
            {errors.countries ? (
              <p className="text-sm text-red-700" role="alert">
                {errors.countries}
              </p>
            ) : null}
          </fieldset>
          <div className="grid grid-cols-2 gap-3">
            <DateField
              name="termStart"
              label="From"
              defaultValue={request.termStart}
              min={request.termStart}
              error={errors.termStart}
            />
            <DateField
              name="termEnd"
              label={request.termEnd ? "Until" : "Until (empty: perpetual)"}
              defaultValue={request.termEnd ?? ""}
              max={request.termEnd ?? undefined}
              error={errors.termEnd}
            />
          </div>
          {request.termEnd === null ? (
            <p className="text-xs text-stone-600">
              Asked for perpetual use. Leave “Until” empty to grant that, or set an end.
            </p>
          ) : null}
          {request.termEnd === null ? (
            <input type="hidden" name="perpetualIfEmpty" value="1" />
          ) : null}
          {request.masterNeeded ? (
            <label className="flex items-center gap-2 text-sm">
              <input type="checkbox" name="masterAllowed" defaultChecked />
              Allow a watermark-free master
            </label>
          ) : null}
          <FormError
            message={
              errors.form ?? errors.otherPlatform ?? errors.masterAllowed ?? errors.commercial
            }
          />
          <Button type="submit" busy={busy}>
            Grant and issue a license
          </Button>
        </Form>
      </details>
      <ConfirmDialog trigger="Deny…" title="Deny this request?">
        {(close) => <ReasonForm intent="deny" id={request.id} close={close} errors={errors} />}
      </ConfirmDialog>
      {errors.reason ? <FormError message={errors.reason} /> : null}
    </div>
  );
}

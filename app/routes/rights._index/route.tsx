import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState } from "react";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { redirectWithFlash } from "~/.server/flash";
import { formFields, parseWith, userErrorToResponse, readForm, routeHeaders } from "~/.server/http";
import { deliverEmails } from "~/.server/mail/send";
import { requestRights, rightsRequestInput, todayUtc } from "~/.server/rights/requests";
import { listOwnRights, requestableSubmissions } from "~/.server/rights/views";
import { Button } from "~/components/ui/button";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { LicenseStatusBadge } from "~/components/rights/license-status";
import { Badge, Card, EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { COUNTRIES, countryName, PLATFORMS, termsInWords } from "~/lib/rights";
import { USE_LABELS } from "~/lib/review";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Rights · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "studio:use");
  const [rights, requestable] = await Promise.all([
    listOwnRights(context.db, user),
    requestableSubmissions(context.db, user),
  ]);
  const wanted = new URL(request.url).searchParams.get("submission");
  return {
    rights,
    requestable,
    selected: requestable.some((s) => s.id === wanted) ? wanted : null,
    today: todayUtc(),
    trusted: user.trustTier === "trusted",
    // A fresh key per rendering of the form: a double click sends one request.
    requestKey: crypto.randomUUID(),
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "studio:use");
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  const parsed = parseWith(rightsRequestInput, formFields(form, ["platforms", "countries"]));
  if (!parsed.ok) return parsed.response;
  const submissionId = String(form.get("submissionId") ?? "");
  if (!submissionId)
    return userErrorToResponse(new UserError("Choose a submission.", 422, "submissionId"));
  try {
    const result = await requestRights(
      context.db,
      actingUser(request, context, user),
      submissionId,
      parsed.data,
      { appUrl: context.env.APP_URL },
    );
    await deliverEmails(context.db, context.mailer, result.emailIds);
    return redirectWithFlash(context, "/rights", {
      kind: "success",
      message: result.license
        ? `Granted at once (trusted tier): license ${result.license.code}.`
        : "Request sent. An admin will answer it; you will be told by email.",
    });
  } catch (error) {
    return userErrorToResponse(error);
  }
}

export default function Rights() {
  const { rights, requestable } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Publishing rights"
        description="What you may publish, where and until when. Anyone can check a license by its code."
      />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section aria-labelledby="your-rights">
          <h2 id="your-rights" className="mb-3 text-lg font-semibold">
            Requests and licenses
          </h2>
          {rights.length === 0 ? (
            <EmptyState title="No requests yet">
              Once a submission is approved, request rights to publish it here.
            </EmptyState>
          ) : (
            <ul className="space-y-3">
              {rights.map(({ request, license, title, status }) => (
                <li key={request.id}>
                  <Card>
                    <div className="flex flex-wrap items-center justify-between gap-2">
                      <h3 className="font-semibold">{title}</h3>
                      {license && status ? (
                        <LicenseStatusBadge status={status} />
                      ) : (
                        <Badge tone={request.state === "denied" ? "red" : "amber"}>
                          {request.state === "denied" ? "Not granted" : "Waiting for an answer"}
                        </Badge>
                      )}
                    </div>
                    <p className="mt-1 text-sm text-stone-700">
                      {license ? (
                        <>
                          License <span className="font-mono font-semibold">{license.code}</span> ·{" "}
                          {termsInWords(license)}
                        </>
                      ) : (
                        <>Asked for: {termsInWords(request)}</>
                      )}
                    </p>
                    <p className="mt-1 text-xs text-stone-600">
                      Requested {formatDateTime(request.createdAt)}
                      {request.autoGranted ? " · granted at once (trusted tier)" : ""}
                      {license?.revokedAt ? ` · revoked ${formatDateTime(license.revokedAt)}` : ""}
                    </p>
                    {request.denyReason ? (
                      <p className="mt-2 text-sm">
                        <span className="font-medium">Reason:</span> {request.denyReason}
                      </p>
                    ) : null}
                    {license?.revokeReason ? (
                      <p className="mt-2 text-sm">
                        <span className="font-medium">Why it was revoked:</span>{" "}
                        {license.revokeReason}
                      </p>
                    ) : null}
                    {license ? (
                      <div className="mt-3 flex flex-wrap gap-3 text-sm">
                        <Link to={`/verify/${license.code}`} className="text-brand-800 underline">
                          Public verification page
                        </Link>
                        {license.masterAllowed && status === "valid" ? (
                          <a
                            href={`/rights/licenses/${license.id}/master`}
                            className="text-brand-800 underline"
                            download
                          >
                            Download the watermark-free master
                          </a>
                        ) : null}
                      </div>
                    ) : null}
                  </Card>
                </li>
              ))}
            </ul>
          )}
        </section>
        {requestable.length > 0 ? (
          <RequestForm />
        ) : (
          <Card>
            <h2 className="text-lg font-semibold">Request rights</h2>
            <p className="mt-1 text-sm text-stone-700">
              You can request rights for an approved submission without an open request. See{" "}
              <Link to="/submissions" className="text-brand-800 underline">
                your submissions
              </Link>
              .
            </p>
          </Card>
        )}
      </div>
    </>
  );
}

function RequestForm() {
  const { requestable, selected, today, trusted, requestKey } = useLoaderData<typeof loader>();
  const actionData = useActionData<{ ok: false; errors: Record<string, string> }>();
  const errors = actionData && actionData.ok === false ? actionData.errors : {};
  const navigation = useNavigation();
  const [territory, setTerritory] = useState("worldwide");
  const [perpetual, setPerpetual] = useState(true);
  const [master, setMaster] = useState(false);
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
        {territory === "countries" ? (
          <div>
            <label htmlFor="countries" className="block text-sm font-medium text-stone-800">
              Countries
            </label>
            <select
              id="countries"
              name="countries"
              multiple
              size={6}
              aria-invalid={errors.countries ? true : undefined}
              aria-describedby={errors.countries ? "countries-error" : "countries-hint"}
              className="mt-1 block w-full rounded-md border border-stone-300 px-3 py-2 text-sm"
            >
              {COUNTRIES.map((c) => (
                <option key={c} value={c}>
                  {countryName(c)}
                </option>
              ))}
            </select>
            <p id="countries-hint" className="text-xs text-stone-600">
              Hold Ctrl (or ⌘) to choose several.
            </p>
            {errors.countries ? (
              <p id="countries-error" className="mt-1 text-sm text-red-700" role="alert">
                {errors.countries}
              </p>
            ) : null}
          </div>
        ) : null}
        <div className="grid grid-cols-2 gap-3">
          <TextField
            name="termStart"
            type="date"
            label="From"
            defaultValue={today}
            min={today}
            error={errors.termStart}
          />
          <TextField
            name="termEnd"
            type="date"
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

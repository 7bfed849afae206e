import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { Button } from "~/components/ui/button";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { Card, EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import { DateField } from "~/components/ui/date-field";
import { DURATIONS, RESOLUTIONS } from "~/lib/generation";
import type { loader } from "./route";

type Request = ReturnType<typeof useLoaderData<typeof loader>>["requests"][number];

/** Generation access: who asks for more seconds, who has none yet, and the cohorts. */
export function AccessPage() {
  const { requests, withoutAccess, cohorts } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Generation access"
        description="Answer requests for more seconds, set up artists who have no access yet, and keep the cohorts that invites give access from."
      />
      <section aria-labelledby="requests-heading" className="mt-4">
        <h2 id="requests-heading" className="text-lg font-semibold">
          Requests for more seconds
        </h2>
        {requests.length === 0 ? (
          <div className="mt-2">
            <EmptyState title="No requests waiting">
              Artists ask from their studio; each request shows here until someone answers it.
            </EmptyState>
          </div>
        ) : (
          <ul className="mt-2 grid gap-4 lg:grid-cols-2">
            {requests.map((r) => (
              <RequestCard key={r.id} request={r} />
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="no-access-heading" className="mt-8">
        <h2 id="no-access-heading" className="text-lg font-semibold">
          Artists without access
        </h2>
        {withoutAccess.length === 0 ? (
          <p className="mt-2 text-sm text-stone-600">Every artist has generation access.</p>
        ) : (
          <ul className="mt-2 divide-y divide-stone-200 rounded-md border border-stone-200 bg-white">
            {withoutAccess.map((a) => (
              <li
                key={a.id}
                className="flex flex-wrap items-center justify-between gap-2 px-4 py-2"
              >
                <span>
                  <span className="font-medium">{a.name || a.email}</span>{" "}
                  <span className="text-sm text-stone-600">
                    {a.email} · {a.status === "invited" ? "invited, not joined yet" : "active"}
                  </span>
                </span>
                <Link
                  className="text-sm font-medium text-brand-800 underline"
                  to={`/admin/people/${a.id}`}
                >
                  Set up access<span className="sr-only"> for {a.name || a.email}</span>
                </Link>
              </li>
            ))}
          </ul>
        )}
      </section>

      <section aria-labelledby="cohorts-heading" className="mt-8 grid gap-6 lg:grid-cols-2">
        <div>
          <h2 id="cohorts-heading" className="text-lg font-semibold">
            Cohorts
          </h2>
          {cohorts.length === 0 ? (
            <p className="mt-2 text-sm text-stone-600">No cohorts yet.</p>
          ) : (
            <ul className="mt-2 space-y-2">
              {cohorts.map((c) => (
                <li key={c.id} className="rounded-md border border-stone-200 bg-white px-4 py-2">
                  <p className="font-medium">{c.name}</p>
                  <p className="text-sm text-stone-600">
                    {c.monthlyQuotaSeconds} s a month · clips up to {c.maxDurationSeconds} s at{" "}
                    {c.maxResolution} · {c.maxConcurrentJobs} at once
                    {c.accessUntil ? ` · until ${formatDateTime(c.accessUntil)}` : ""}
                  </p>
                </li>
              ))}
            </ul>
          )}
        </div>
        <NewCohort />
      </section>
    </>
  );
}

function RequestCard({ request }: { request: Request }) {
  const errors = useIntentErrors({ id: request.id });
  const navigation = useNavigation();
  const busy =
    navigation.state === "submitting" && navigation.formData?.get("requestId") === request.id;
  return (
    <li>
      <Card>
        <p className="font-medium">
          {request.name || request.email} asks for {request.requestedSeconds} s
        </p>
        <p className="text-sm text-stone-600">
          {formatDateTime(request.createdAt)} · quota{" "}
          {request.monthlyQuotaSeconds === null
            ? "not set up"
            : `${request.monthlyQuotaSeconds} s a month`}
        </p>
        <blockquote className="mt-2 border-l-4 border-stone-300 pl-3 text-sm text-stone-800">
          {request.reason}
        </blockquote>
        <Form method="post" className="mt-3 space-y-3">
          <input type="hidden" name="intent" value="answer" />
          <input type="hidden" name="requestId" value={request.id} />
          <FormError message={errors.form} />
          <TextField
            label="Seconds to grant"
            name="grantedSeconds"
            inputMode="numeric"
            pattern="[0-9]*"
            defaultValue={String(request.requestedSeconds)}
            error={errors.grantedSeconds}
            hint={`All (${request.requestedSeconds}), part, or 0 to decline. They count for this month.`}
          />
          <TextAreaField
            label="Note for the artist (optional)"
            name="note"
            rows={2}
            maxLength={1000}
            error={errors.note}
          />
          <Button type="submit" busy={busy}>
            Answer<span className="sr-only"> {request.name || request.email}</span>
          </Button>
        </Form>
      </Card>
    </li>
  );
}

function NewCohort() {
  const errors = useIntentErrors({ id: "new-cohort" });
  return (
    <Card>
      <h3 className="text-base font-semibold">New cohort</h3>
      <p className="text-sm text-stone-600">
        Artists invited into it get these limits the moment they join. Changing a cohort later
        changes nobody&rsquo;s limits.
      </p>
      <Form method="post" className="mt-3 space-y-3">
        <input type="hidden" name="intent" value="cohort" />
        <FormError message={errors.form} />
        <TextField label="Name" name="name" required maxLength={60} error={errors.name} />
        <div className="grid gap-3 sm:grid-cols-2">
          <TextField
            label="Seconds a month"
            name="monthlyQuotaSeconds"
            inputMode="numeric"
            defaultValue="300"
            error={errors.monthlyQuotaSeconds}
          />
          <SelectField
            label="Longest clip"
            name="maxDurationSeconds"
            defaultValue="10"
            error={errors.maxDurationSeconds}
            options={DURATIONS.map((d) => ({ value: String(d), label: `${d} seconds` }))}
          />
          <SelectField
            label="Highest resolution"
            name="maxResolution"
            defaultValue="720p"
            error={errors.maxResolution}
            options={RESOLUTIONS.map((r) => ({ value: r, label: r }))}
          />
          <TextField
            label="Jobs at once"
            name="maxConcurrentJobs"
            inputMode="numeric"
            defaultValue="2"
            error={errors.maxConcurrentJobs}
          />
          <DateField label="Access from (optional)" name="accessFrom" error={errors.accessFrom} />
          <DateField
            label="Access until (optional)"
            name="accessUntil"
            error={errors.accessUntil}
          />
        </div>
        <Button type="submit">Create cohort</Button>
      </Form>
    </Card>
  );
}

import { Link, useLoaderData } from "@remix-run/react";
import { Card, EmptyState, PageHeader } from "~/components/ui/misc";
import { RequestForm } from "./request-form";
import { RightCard } from "./right-card";
import type { loader } from "./route";

/** The artist's requests and licenses, beside the form that asks for rights. */
export function RightsPage() {
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
              {rights.map((right) => (
                <li key={right.request.id}>
                  <RightCard right={right} />
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

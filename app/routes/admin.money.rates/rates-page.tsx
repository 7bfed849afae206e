import { useLoaderData } from "@remix-run/react";
import { MoneyNav } from "~/components/money/admin-nav";
import { RateCards } from "~/components/money/money";
import { PageHeader } from "~/components/ui/misc";
import type { loader } from "./route";
import { PublishRateCardForm, StipendsForm } from "./rate-forms";

/** The published rate cards, beside the forms that publish a version and credit stipends. */
export function RatesPage() {
  const { series, today, month, monthsBack } = useLoaderData<typeof loader>();
  return (
    <>
      <PageHeader
        title="Rate card"
        description="What every artist is paid, published on their earnings page. A card is never edited: publish a new version from a date, and items earn at the version in force on their own date."
      />
      <MoneyNav />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section aria-labelledby="published">
          <h2 id="published" className="mb-3 text-lg font-semibold">
            Published
          </h2>
          <RateCards series={series} emptyText="No rate card yet: publish the first one." />
        </section>
        <div className="space-y-6">
          <PublishRateCardForm today={today} />
          <StipendsForm month={month} monthsBack={monthsBack} />
        </div>
      </div>
    </>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { redirectWithFlash } from "~/.server/flash";
import { formFields, parseWith, userErrorToResponse, readForm, routeHeaders } from "~/.server/http";
import { isoMonth, monthOf, todayUtc } from "~/.server/money/dates";
import { listRateCards, publishRateCard, rateCardInput } from "~/.server/money/rates";
import { recordStipends, STIPEND_MONTHS_BACK } from "~/.server/money/stipends";
import { MoneyNav } from "~/components/money/admin-nav";
import { RateCards } from "~/components/money/money";
import { Button } from "~/components/ui/button";
import { FormError, SelectField, TextField } from "~/components/ui/field";
import { Card, PageHeader } from "~/components/ui/misc";
import { CURRENCIES, RATE_ITEMS } from "~/lib/money";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Rate card · Money · Admin · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const today = todayUtc();
  return {
    series: await listRateCards(context.db, user, today),
    today,
    month: monthOf(today),
    monthsBack: STIPEND_MONTHS_BACK,
  };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const admin = actingUser(request, context, user);
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  const intent = String(form.get("intent") ?? "");
  try {
    if (intent === "stipends") {
      const month = isoMonth.safeParse(form.get("month") ?? "");
      if (!month.success)
        return userErrorToResponse(
          new UserError(month.error.issues[0]!.message, 422, "month"),
          intent,
        );
      const result = await recordStipends(context.db, admin, month.data);
      const artists = (n: number) => `${n} artist${n === 1 ? "" : "s"}`;
      const skipped =
        result.skipped === 0
          ? ""
          : ` ${artists(result.skipped)} skipped: no rate card with a stipend in their currency on ${month.data}-01.`;
      return redirectWithFlash(context, "/admin/money/rates", {
        kind: "success",
        message:
          (result.credited === 0
            ? `Nothing new: every artist due the ${month.data} stipend already has it.`
            : `Stipend for ${month.data} credited to ${artists(result.credited)}.`) + skipped,
      });
    }
    const parsed = parseWith(rateCardInput, formFields(form), "publish");
    if (!parsed.ok) return parsed.response;
    const card = await publishRateCard(context.db, admin, parsed.data);
    return redirectWithFlash(context, "/admin/money/rates", {
      kind: "success",
      message: `Published the ${card.currency} rate card in force from ${card.effectiveFrom}.`,
    });
  } catch (error) {
    return userErrorToResponse(error, intent || "publish");
  }
}

type Failure = { ok: false; errors: Record<string, string>; form?: string };

export default function RatesPage() {
  const { series, today, month, monthsBack } = useLoaderData<typeof loader>();
  const result = useActionData<Failure>();
  const navigation = useNavigation();
  const errors = result?.ok === false && result.form === "publish" ? result.errors : {};
  const stipendErrors = result?.ok === false && result.form === "stipends" ? result.errors : {};
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
          <Card>
            <h2 className="mb-3 text-lg font-semibold">Publish a version</h2>
            <Form method="post" className="space-y-4" noValidate>
              <input type="hidden" name="intent" value="publish" />
              <FormError message={errors.form} />
              <div className="grid gap-4 sm:grid-cols-2">
                <SelectField
                  label="Currency"
                  name="currency"
                  options={CURRENCIES.map((c) => ({ value: c, label: c }))}
                  error={errors.currency}
                />
                <TextField
                  label="In force from"
                  name="effectiveFrom"
                  type="date"
                  defaultValue={today}
                  required
                  error={errors.effectiveFrom}
                />
              </div>
              {RATE_ITEMS.map((item) => (
                <TextField
                  key={item.key}
                  label={`${item.label} (${item.unit})`}
                  name={item.key}
                  inputMode="decimal"
                  placeholder="0.00"
                  required
                  error={errors[item.key]}
                />
              ))}
              <TextField
                label="Note (optional)"
                name="note"
                placeholder="Raised after the Q3 review"
                error={errors.note}
              />
              <Button type="submit" busy={navigation.formData?.get("intent") === "publish"}>
                Publish
              </Button>
            </Form>
          </Card>
          <Card>
            <h2 className="mb-1 text-lg font-semibold">Monthly stipend</h2>
            <p className="mb-3 text-sm text-stone-600">
              Credits every active artist who joined before the month ended the stipend of the card
              in force on the month&apos;s first day, in their currency, up to {monthsBack} months
              back. Running it twice credits nobody twice.
            </p>
            <Form method="post" className="space-y-4" noValidate>
              <input type="hidden" name="intent" value="stipends" />
              <FormError message={stipendErrors.form} />
              <TextField
                label="Month"
                name="month"
                type="month"
                defaultValue={month}
                max={month}
                required
                error={stipendErrors.month}
              />
              <Button
                type="submit"
                variant="secondary"
                busy={navigation.formData?.get("intent") === "stipends"}
              >
                Credit stipends
              </Button>
            </Form>
          </Card>
        </div>
      </div>
    </>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { redirectWithFlash } from "~/.server/flash";
import { formFields, itemFailure, itemParseFailure, readForm, routeHeaders } from "~/.server/http";
import { deliverEmails } from "~/.server/mail/send";
import { askPromotion, promotionInput, withdrawPromotion } from "~/.server/money/promotions";
import { listPromotions, moneyFormChoices } from "~/.server/money/views";
import { MoneyNav } from "~/components/money/admin-nav";
import { Money, StateBadge } from "~/components/money/money";
import { Button } from "~/components/ui/button";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { Card, EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { PROMOTION_CHANNELS } from "~/lib/money";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Promotional use · Money · Admin · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const admin = actingUser(request, context, user);
  const [promotions, choices] = await Promise.all([
    listPromotions(context.db, admin),
    moneyFormChoices(context.db, admin),
  ]);
  return { promotions, clips: choices.approvedClips, requestKey: crypto.randomUUID() };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "money:manage");
  const admin = actingUser(request, context, user);
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  const intent = String(form.get("intent") ?? "");
  const id = String(form.get("id") ?? "");
  try {
    if (intent === "ask") {
      const parsed = promotionInput.safeParse(formFields(form, ["channels"]));
      if (!parsed.success) return itemParseFailure(parsed.error, "ask");
      const result = await askPromotion(context.db, admin, parsed.data, {
        appUrl: context.env.APP_URL,
      });
      await deliverEmails(context.db, context.mailer, result.emailIds);
      return redirectWithFlash(context, "/admin/money/promotions", {
        kind: "success",
        message: "Asked. The clip is used only if the artist accepts.",
      });
    }
    if (intent === "withdraw") {
      await withdrawPromotion(context.db, admin, id);
      return redirectWithFlash(context, "/admin/money/promotions", {
        kind: "success",
        message: "Request withdrawn.",
      });
    }
    throw new UserError("Unknown action.", 400);
  } catch (error) {
    return itemFailure(error, intent === "ask" ? "ask" : id);
  }
}

type Failure = { ok: false; errors: Record<string, string>; id?: string };

export default function PromotionsPage() {
  const { promotions, clips, requestKey } = useLoaderData<typeof loader>();
  const result = useActionData<Failure>();
  const navigation = useNavigation();
  const errors = result?.ok === false && result.id === "ask" ? result.errors : {};
  return (
    <>
      <PageHeader
        title="Promotional use"
        description="The program may use an artist's approved clip in its own promotion only with the artist's recorded yes. Acceptance earns the fee; the published rate per clip is the least it can be."
      />
      <MoneyNav />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,3fr)_minmax(0,2fr)]">
        <section aria-labelledby="requests">
          <h2 id="requests" className="mb-3 text-lg font-semibold">
            Requests
          </h2>
          {promotions.length === 0 ? (
            <EmptyState title="No requests yet">Ask for an approved clip with the form.</EmptyState>
          ) : (
            <DataTable
              caption="Promotion requests, newest first"
              columns={["Clip", "Use", "Fee", "State", "Actions"]}
            >
              {promotions.map(({ promotion: p, title, artist }) => {
                const rowErrors = result?.ok === false && result.id === p.id ? result.errors : {};
                return (
                  <tr key={p.id} className={rowClass}>
                    <td className={cellClass}>
                      “{title}”
                      <span className="block text-xs text-stone-600">
                        {artist} · {formatDateTime(p.createdAt)}
                      </span>
                    </td>
                    <td className={cellClass}>
                      {p.purpose}
                      <span className="block text-xs text-stone-600">{p.channels.join(", ")}</span>
                      {p.declineReason ? (
                        <span className="block text-xs text-stone-600">
                          Declined: {p.declineReason}
                        </span>
                      ) : null}
                    </td>
                    <td className={cellClass}>
                      <Money minor={p.feeMinor} currency={p.currency} />
                    </td>
                    <td className={cellClass}>
                      <StateBadge of="promotion" state={p.state} />
                    </td>
                    <td className={cellClass}>
                      <FormError message={rowErrors.form} />
                      {p.state === "asked" ? (
                        <ConfirmFormDialog
                          trigger="Withdraw"
                          title="Withdraw this request?"
                          triggerVariant="secondary"
                          fields={{ intent: "withdraw", id: p.id }}
                          confirmLabel="Withdraw"
                          cancelLabel="Keep it"
                        />
                      ) : null}
                    </td>
                  </tr>
                );
              })}
            </DataTable>
          )}
        </section>
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
      </div>
    </>
  );
}

import { Form, useActionData, type useLoaderData, useNavigation } from "@remix-run/react";
import { Money, StateBadge } from "~/components/money/money";
import { Button } from "~/components/ui/button";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, TextAreaField } from "~/components/ui/field";
import { Card } from "~/components/ui/misc";
import { errorsFor } from "~/lib/intents";
import type { loader } from "./route";

type PromotionRow = ReturnType<typeof useLoaderData<typeof loader>>["promotions"][number];

/** What the program asks to use, each with its answer forms and its own error area. */
export function PromotionRequests({ promotions }: { promotions: PromotionRow[] }) {
  const result = useActionData();
  const navigation = useNavigation();
  if (promotions.length === 0) return null;
  return (
    <section aria-labelledby="promotions" className="mb-8">
      <h2 id="promotions" className="mb-1 text-lg font-semibold">
        Requests to use your clips
      </h2>
      <p className="mb-3 text-sm text-stone-600">
        The program uses a clip in its own promotion only with your yes. Declining costs you
        nothing.
      </p>
      <ul className="space-y-3">
        {promotions.map(({ promotion: p, title }) => {
          const errors = errorsFor(result, { id: p.id });
          return (
            <li key={p.id}>
              <Card>
                <div className="flex flex-wrap items-start justify-between gap-2">
                  <div>
                    <h3 className="font-semibold">“{title}”</h3>
                    <p className="text-sm text-stone-700">{p.purpose}</p>
                    <p className="text-sm text-stone-600">
                      {p.channels.join(", ")} · fee{" "}
                      <Money minor={p.feeMinor} currency={p.currency} />
                    </p>
                  </div>
                  <StateBadge of="promotion" state={p.state} />
                </div>
                <FormError message={errors.form} />
                {p.state === "asked" ? (
                  <div className="mt-3 flex flex-wrap gap-2">
                    <Form method="post">
                      <input type="hidden" name="intent" value="accept-promotion" />
                      <input type="hidden" name="id" value={p.id} />
                      <Button
                        type="submit"
                        busy={
                          navigation.formData?.get("id") === p.id &&
                          navigation.formData?.get("intent") === "accept-promotion"
                        }
                      >
                        Accept for <Money minor={p.feeMinor} currency={p.currency} />
                      </Button>
                    </Form>
                    <ConfirmFormDialog
                      trigger="Decline"
                      title={`Decline the use of “${title}”?`}
                      triggerVariant="secondary"
                      fields={{ intent: "decline-promotion", id: p.id }}
                      confirmLabel="Decline"
                      cancelLabel="Keep it open"
                    >
                      <TextAreaField
                        label="Reason (optional)"
                        name="reason"
                        rows={2}
                        error={errors.reason}
                      />
                    </ConfirmFormDialog>
                  </div>
                ) : null}
              </Card>
            </li>
          );
        })}
      </ul>
    </section>
  );
}

import { type useLoaderData, useActionData } from "@remix-run/react";
import { LicenseStatusBadge } from "~/components/rights/license-status";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { FormError } from "~/components/ui/field";
import { Badge, Card, formatDateTime } from "~/components/ui/misc";
import { errorsFor } from "~/lib/intents";
import { USE_LABELS } from "~/lib/review";
import { termsInWords } from "~/lib/rights";
import { DecideForms } from "./decide-forms";
import { ReasonForm } from "./reason-form";
import type { loader } from "./route";

export type Item = ReturnType<typeof useLoaderData<typeof loader>>["items"][number];

/** A request as asked, its license if granted, and the forms that answer or revoke it. */
export function RequestCard({ item }: { item: Item }) {
  const { request, license } = item;
  const result = useActionData();
  // An error belongs to the request or the license it was about.
  const errors = {
    ...errorsFor(result, { id: request.id }),
    ...(license ? errorsFor(result, { id: license.id }) : {}),
  };
  return (
    <Card>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 className="font-semibold">{item.title}</h2>
          <p className="text-sm text-stone-600">
            {item.artist || item.artistEmail}
            {item.trustTier === "trusted" ? " · trusted tier" : ""} · approved for{" "}
            {USE_LABELS[item.intendedUse]} · asked {formatDateTime(request.createdAt)}
          </p>
        </div>
        {license && item.status ? (
          <LicenseStatusBadge status={item.status} />
        ) : request.state === "denied" ? (
          <Badge tone="red">Denied</Badge>
        ) : (
          <Badge tone="amber">Waiting</Badge>
        )}
      </div>
      <dl className="mt-3 grid gap-x-4 gap-y-1 text-sm sm:grid-cols-[10rem_1fr]">
        <dt className="text-stone-600">Asked for</dt>
        <dd>{termsInWords(request)}</dd>
        <dt className="text-stone-600">Credit line</dt>
        <dd>{request.creditLine}</dd>
        <dt className="text-stone-600">Master</dt>
        <dd>{request.masterNeeded ? `Needed: ${request.masterReason}` : "Not needed"}</dd>
        {license ? (
          <>
            <dt className="text-stone-600">License</dt>
            <dd>
              <span className="font-mono font-semibold">{license.code}</span> ·{" "}
              {termsInWords(license)}
              {request.autoGranted ? " · granted by the system (trusted tier)" : ""}
              {item.decidedByName ? ` · granted by ${item.decidedByName}` : ""}
            </dd>
          </>
        ) : null}
        {request.denyReason ? (
          <>
            <dt className="text-stone-600">Denied because</dt>
            <dd>{request.denyReason}</dd>
          </>
        ) : null}
        {license?.revokeReason ? (
          <>
            <dt className="text-stone-600">Revoked because</dt>
            <dd>{license.revokeReason}</dd>
          </>
        ) : null}
      </dl>
      {request.state === "pending" ? <DecideForms item={item} errors={errors} /> : null}
      {license && !license.revokedAt ? (
        <div className="mt-3">
          <ConfirmDialog trigger="Revoke…" title={`Revoke ${license.code}?`}>
            {(close) => (
              <ReasonForm intent="revoke" id={license.id} close={close} errors={errors} />
            )}
          </ConfirmDialog>
          {errors.reason || errors.form ? (
            <FormError message={errors.reason ?? errors.form} />
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import {
  Form,
  Link,
  useActionData,
  useLoaderData,
  useNavigation,
  useSearchParams,
} from "@remix-run/react";
import { z } from "zod";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { redirectWithFlash } from "~/.server/flash";
import {
  formFields,
  loadOrRespond,
  itemFailure,
  itemParseFailure,
  readForm,
  routeHeaders,
} from "~/.server/http";
import { deliverEmails } from "~/.server/mail/send";
import {
  denyRequest,
  grantInput,
  grantRequest,
  reasonInput,
  revokeLicense,
} from "~/.server/rights/requests";
import { listRightsQueue } from "~/.server/rights/views";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { FormError, TextAreaField, TextField } from "~/components/ui/field";
import { FilterTabs } from "~/components/ui/filters";
import { LicenseStatusBadge } from "~/components/rights/license-status";
import { Badge, Card, EmptyState, formatDateTime, PageHeader } from "~/components/ui/misc";
import {
  COUNTRIES,
  countryName,
  REQUEST_STATES,
  termsInWords,
  type RequestState,
} from "~/lib/rights";
import { USE_LABELS } from "~/lib/review";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Rights · Admin · Greenroom" }];

const query = z.object({
  state: z.enum(REQUEST_STATES).catch("pending"),
  after: z.string().optional(),
});

export async function loader({ request, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "rights:manage");
  const filters = query.parse(Object.fromEntries(new URL(request.url).searchParams));
  return loadOrRespond(async () => {
    return { ...(await listRightsQueue(context.db, user, filters)), filters };
  });
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "rights:manage");
  const admin = actingUser(request, context, user);
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = input.form;
  const intent = form.get("intent");
  const id = String(form.get("id") ?? "");
  const appUrl = context.env.APP_URL;
  try {
    let emailIds: string[] = [];
    let message: string;
    if (intent === "grant") {
      const fields = formFields(form, ["platforms", "countries"]);
      // Asked for perpetual use and no end set: grant it perpetual.
      if (!fields.termEnd && fields.perpetualIfEmpty) fields.perpetual = "on";
      const parsed = grantInput.safeParse(fields);
      if (!parsed.success) return itemParseFailure(parsed.error, id);
      const result = await grantRequest(context.db, admin, id, parsed.data, { appUrl });
      emailIds = result.emailIds;
      message = `Granted: license ${result.license.code}.`;
    } else if (intent === "deny" || intent === "revoke") {
      const reason = reasonInput.safeParse(form.get("reason") ?? "");
      if (!reason.success) throw new UserError(reason.error.issues[0]!.message, 422, "reason");
      if (intent === "deny") {
        emailIds = (await denyRequest(context.db, admin, id, reason.data, { appUrl })).emailIds;
        message = "Denied. The artist has the reason.";
      } else {
        const result = await revokeLicense(context.db, admin, id, reason.data, { appUrl });
        emailIds = result.emailIds;
        message = `License ${result.license.code} revoked.`;
      }
    } else {
      throw new UserError("Unknown action.", 400);
    }
    await deliverEmails(context.db, context.mailer, emailIds);
    const back = new URL(request.url);
    return redirectWithFlash(context, `/admin/rights${back.search}`, { kind: "success", message });
  } catch (error) {
    return itemFailure(error, id);
  }
}

const STATE_LABELS: Record<RequestState, string> = {
  pending: "Waiting",
  granted: "Granted",
  denied: "Denied",
};

type Item = ReturnType<typeof useLoaderData<typeof loader>>["items"][number];

export default function AdminRights() {
  const { items, counts, filters, nextCursor } = useLoaderData<typeof loader>();
  const [params] = useSearchParams();
  const nextHref = () => {
    const next = new URLSearchParams(params);
    next.set("after", nextCursor!);
    return `?${next.toString()}`;
  };
  return (
    <>
      <PageHeader
        title="Rights requests"
        description="Grant (the terms may be narrowed), deny with a reason, or revoke a license with a reason. The artist is told each time."
      />
      <div className="mb-4">
        <FilterTabs
          label="Requests by state"
          param="state"
          values={REQUEST_STATES}
          labels={STATE_LABELS}
          counts={counts}
          // The queue always shows one state: waiting ones by default.
          allLabel={null}
          current={filters.state}
        />
      </div>
      {items.length === 0 ? (
        <EmptyState title={filters.state === "pending" ? "Nothing is waiting" : "None yet"}>
          {filters.state === "pending"
            ? "Every rights request has an answer."
            : "Requests appear here once decided."}
        </EmptyState>
      ) : (
        <ul className="space-y-4">
          {items.map((item) => (
            <li key={item.request.id}>
              <RequestCard item={item} />
            </li>
          ))}
        </ul>
      )}
      {nextCursor ? (
        <nav aria-label="Request pages" className="mt-4 flex justify-end text-sm">
          <Link className="text-brand-800 underline" to={nextHref()} rel="next">
            Next page →
          </Link>
        </nav>
      ) : null}
    </>
  );
}

function RequestCard({ item }: { item: Item }) {
  const { request, license } = item;
  const actionData = useActionData<{ ok: false; errors: Record<string, string>; id?: string }>();
  // An error belongs to the request or the license it was about.
  const errors =
    actionData?.ok === false && (actionData.id === request.id || actionData.id === license?.id)
      ? actionData.errors
      : {};
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

function DecideForms({ item, errors }: { item: Item; errors: Record<string, string> }) {
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
                <select
                  name="countries"
                  multiple
                  size={5}
                  aria-label="Countries to grant"
                  className="block w-full rounded-md border border-stone-300 px-3 py-2 text-sm"
                >
                  {COUNTRIES.map((c) => (
                    <option key={c} value={c}>
                      {countryName(c)}
                    </option>
                  ))}
                </select>
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
            <TextField
              name="termStart"
              type="date"
              label="From"
              defaultValue={request.termStart}
              min={request.termStart}
              error={errors.termStart}
            />
            <TextField
              name="termEnd"
              type="date"
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

function ReasonForm({
  intent,
  id,
  close,
  errors,
}: {
  intent: "deny" | "revoke";
  id: string;
  close: () => void;
  errors: Record<string, string>;
}) {
  const navigation = useNavigation();
  return (
    <Form method="post" className="space-y-4">
      <input type="hidden" name="intent" value={intent} />
      <input type="hidden" name="id" value={id} />
      <TextAreaField
        name="reason"
        label="Reason (the artist reads it)"
        rows={3}
        required
        maxLength={1000}
        error={errors.reason}
      />
      <div className="flex justify-end gap-2">
        <Button type="button" variant="secondary" onClick={close}>
          Cancel
        </Button>
        <Button type="submit" variant="danger" busy={navigation.state === "submitting"}>
          {intent === "deny" ? "Deny" : "Revoke"}
        </Button>
      </div>
    </Form>
  );
}

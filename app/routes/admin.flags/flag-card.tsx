import { Link, type useLoaderData } from "@remix-run/react";
import { StatusBadge } from "~/components/status-badge";
import { ConfirmFormDialog } from "~/components/ui/confirm-dialog";
import { FormError, TextAreaField } from "~/components/ui/field";
import { Badge, Card, formatDateTime } from "~/components/ui/misc";
import { cellClass, DataTable, rowClass } from "~/components/ui/table";
import { useIntentErrors } from "~/components/use-intent-errors";
import {
  describeAnomaly,
  type AnomalyEvidence,
  type HourlyEvidence,
  type VolumeEvidence,
} from "~/lib/anomaly-evidence";
import { ANOMALY_LABELS, type AnomalyKind } from "~/lib/oversight";
import type { loader } from "./route";

type Item = ReturnType<typeof useLoaderData<typeof loader>>["flags"][number];

/** One flag: whose account, what was seen, and how it was decided (or the forms to decide it). */
export function FlagCard({ item, me }: { item: Item; me: string }) {
  const { flag, account } = item;
  const errors = useIntentErrors({ id: flag.id });
  const name = account.displayName || account.email;
  const kind = flag.kind as AnomalyKind;
  return (
    <Card>
      <div className="flex flex-wrap items-start justify-between gap-2">
        <div>
          <h2 className="font-semibold">
            <Link to={`/admin/people/${account.id}`} className="text-brand-800 underline">
              {name}
            </Link>
          </h2>
          <p className="flex flex-wrap items-center gap-2 text-sm text-stone-600">
            {account.displayName ? <span>{account.email}</span> : null}
            <span>· {account.role}</span>
            <StatusBadge status={account.status} />
          </p>
        </div>
        <div className="flex items-center gap-2">
          <span className="text-sm font-medium">{ANOMALY_LABELS[kind]}</span>
          {flag.strength === "strong" ? (
            <Badge tone="red">Strong</Badge>
          ) : (
            <Badge tone="amber">Weak</Badge>
          )}
        </div>
      </div>
      <p className="mt-2 text-sm text-stone-600">
        Window {formatDateTime(flag.windowStart)} – {formatDateTime(flag.windowEnd)} · raised{" "}
        {formatDateTime(flag.createdAt)}
      </p>
      {flag.evidence ? (
        <Evidence kind={kind} evidence={flag.evidence} />
      ) : (
        <p className="mt-3 text-sm text-stone-600">No evidence was recorded for this flag.</p>
      )}
      {flag.state !== "open" ? (
        <p className="mt-3 rounded-md bg-stone-50 px-3 py-2 text-sm">
          {flag.autoSuspended
            ? "Suspended automatically"
            : flag.state === "dismissed"
              ? `Dismissed by ${item.decidedByName || item.decidedByEmail || "an admin"}`
              : `Acted on by ${item.decidedByName || item.decidedByEmail || "an admin"}`}
          {flag.decidedAt ? ` on ${formatDateTime(flag.decidedAt)}` : ""}
          {flag.note ? `: “${flag.note}”` : "."}
        </p>
      ) : (
        <div className="mt-4 flex flex-wrap items-start gap-3 border-t border-stone-200 pt-4">
          <ConfirmFormDialog
            trigger="Dismiss…"
            triggerVariant="secondary"
            title={`Dismiss the flag on ${name}?`}
            fields={{ intent: "dismiss", id: flag.id }}
            confirmLabel="Dismiss flag"
            confirmVariant="primary"
          >
            <p className="text-sm text-stone-700">
              The flag closes. It is raised again only if the pattern shows up in new activity.
            </p>
            <TextAreaField
              label="Why is this fine?"
              name="note"
              required
              minLength={3}
              maxLength={500}
              rows={3}
              error={errors.note}
              hint="Recorded with the flag and in the audit log."
            />
          </ConfirmFormDialog>
          {account.id !== me ? (
            <ConfirmFormDialog
              trigger={account.status === "suspended" ? "Close as acted on…" : "Suspend account…"}
              title={
                account.status === "suspended" ? `${name} is already suspended` : `Suspend ${name}?`
              }
              fields={{ intent: "suspend", id: flag.id }}
              confirmLabel={account.status === "suspended" ? "Close as acted on" : "Suspend"}
            >
              <p className="text-sm text-stone-700">
                {account.status === "suspended"
                  ? "The account is already suspended: this only closes the flag."
                  : "They are signed out everywhere at once, their waiting and running generations are cancelled (the seconds given back), and they are emailed the reason."}
              </p>
              <TextAreaField
                label="Reason"
                name="reason"
                required
                minLength={3}
                maxLength={500}
                rows={3}
                defaultValue={
                  flag.evidence
                    ? describeAnomaly(kind, flag.evidence)
                    : `${ANOMALY_LABELS[kind]}: the access looks shared.`
                }
                error={errors.reason}
                hint="The person reads it in the email; it is also recorded in the audit log."
              />
            </ConfirmFormDialog>
          ) : null}
          <FormError message={errors.note ?? errors.reason ?? errors.form ?? errors.id} />
        </div>
      )}
    </Card>
  );
}

function Evidence(props: { kind: AnomalyKind; evidence: AnomalyEvidence }) {
  return props.evidence.type === "volume" ? (
    <VolumeDetails evidence={props.evidence} />
  ) : (
    <HourlyDetails kind={props.kind} evidence={props.evidence} />
  );
}

const NOUNS: Record<Exclude<AnomalyKind, "volume_spike">, [string, string]> = {
  many_addresses: ["address", "addresses"],
  many_user_agents: ["browser", "browsers"],
  many_sign_in_addresses: ["sign-in address", "sign-in addresses"],
};

function HourlyDetails({ kind, evidence }: { kind: AnomalyKind; evidence: HourlyEvidence }) {
  const [one, many] = NOUNS[kind as keyof typeof NOUNS] ?? ["address", "addresses"];
  const header = kind === "many_user_agents" ? "Browser (user agent)" : "Address";
  return (
    <div className="mt-3 space-y-2 text-sm">
      <p>
        <strong className="text-base">
          {evidence.count} {evidence.count === 1 ? one : many}
        </strong>{" "}
        within an hour: the limit is {evidence.threshold}, strong from {evidence.strongAt}.
        {evidence.peak > evidence.count ? ` At most ${evidence.peak} were seen at once.` : ""}
      </p>
      <details>
        <summary className="cursor-pointer font-medium text-brand-800">
          The {evidence.count} {many}
        </summary>
        <div className="mt-2">
          <DataTable
            caption={`The ${many} this account was used from`}
            columns={[header, "Requests", "Sign-ins", "Last seen"]}
          >
            {evidence.items.map((i) => (
              <tr key={i.value} className={rowClass}>
                <td className={`${cellClass} break-all font-mono text-xs`}>{i.value}</td>
                <td className={cellClass}>{i.requests}</td>
                <td className={cellClass}>{i.signIns}</td>
                <td className={cellClass}>{formatDateTime(i.lastSeenAt)}</td>
              </tr>
            ))}
          </DataTable>
          {evidence.more > 0 ? (
            <p className="mt-1 text-stone-600">… and {evidence.more} more, not listed.</p>
          ) : null}
        </div>
      </details>
    </div>
  );
}

function VolumeDetails({ evidence }: { evidence: VolumeEvidence }) {
  return (
    <div className="mt-3 space-y-2 text-sm">
      <p>
        <strong className="text-base">{evidence.jobs} generations</strong> in 24 hours, against a
        usual {evidence.medianPerDay} a day (the median of the previous 14 days). Flagged from{" "}
        {evidence.flagAt} ({evidence.factor}× usual, at least {evidence.minJobs}), strong from{" "}
        {evidence.strongAt}.
      </p>
      <details>
        <summary className="cursor-pointer font-medium text-brand-800">
          The previous 14 days
        </summary>
        <p className="mt-2 text-stone-700">
          Generations per day, the most recent first: {evidence.dailyCounts.join(", ")}.
        </p>
      </details>
    </div>
  );
}

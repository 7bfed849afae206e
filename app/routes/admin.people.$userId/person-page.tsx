import { Form, Link, useLoaderData, useNavigation } from "@remix-run/react";
import { StatusBadge } from "~/components/status-badge";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { FormError, SelectField, TextAreaField } from "~/components/ui/field";
import { Card, formatDateTime, PageHeader } from "~/components/ui/misc";
import { useIntentErrors } from "~/components/use-intent-errors";
import { GenerationAccessCard } from "./generation-access-card";
import type { loader } from "./route";

/** One person: their access, their status, an artist's generation access, and recent activity. */
export function PersonPage() {
  const { person, history, generation, isSelf } = useLoaderData<typeof loader>();
  const errors = useIntentErrors();
  const navigation = useNavigation();
  const busyIntent = navigation.state === "submitting" ? navigation.formData?.get("intent") : null;
  return (
    <>
      <p className="mb-2 text-sm">
        <Link to="/admin/people" className="text-brand-800 underline">
          ← People
        </Link>
      </p>
      <PageHeader
        title={person.displayName || person.email}
        description={
          <span className="flex items-center gap-2">
            {person.email} <StatusBadge status={person.status} />
          </span>
        }
      />
      <FormError message={errors.form} />
      <div className="mt-4 grid gap-6 lg:grid-cols-2">
        <Card>
          <h2 className="text-lg font-semibold">Access</h2>
          <Form method="post" className="mt-4 space-y-4">
            <input type="hidden" name="intent" value="access" />
            <SelectField
              label="Role"
              name="role"
              defaultValue={person.role}
              disabled={isSelf}
              hint={isSelf ? "You cannot change your own role." : undefined}
              error={errors.role}
              options={[
                { value: "artist", label: "Artist" },
                { value: "reviewer", label: "Reviewer" },
                { value: "admin", label: "Admin" },
              ]}
            />
            {isSelf ? <input type="hidden" name="role" value={person.role} /> : null}
            <SelectField
              label="Trust tier"
              name="trustTier"
              defaultValue={person.trustTier}
              error={errors.trustTier}
              hint="Trusted artists get non-commercial publishing rights granted automatically."
              options={[
                { value: "standard", label: "Standard" },
                { value: "trusted", label: "Trusted" },
              ]}
            />
            <Button type="submit" variant="secondary" busy={busyIntent === "access"}>
              Save access
            </Button>
          </Form>
        </Card>
        <Card>
          <h2 className="text-lg font-semibold">Status</h2>
          <p className="mt-2 text-sm text-stone-700">
            {person.status === "suspended"
              ? `Suspended${person.statusReason ? `: “${person.statusReason}”` : ""} — they cannot sign in or do anything.`
              : person.status === "invited"
                ? "Invited; they have not accepted yet. Manage the invitation on the Invites page."
                : "Active. Suspending ends all of their sessions and cancels their waiting generations at once."}
          </p>
          <div className="mt-4">
            {person.status === "active" && !isSelf ? (
              <StatusChangeDialog
                intent="suspend"
                title={`Suspend ${person.displayName || person.email}?`}
                explanation="They are signed out everywhere at once, their waiting and running generations are cancelled (the seconds given back), and they are emailed. They cannot sign in until reactivated."
                error={errors.reason}
                busy={busyIntent === "suspend"}
              />
            ) : null}
            {person.status === "suspended" ? (
              <StatusChangeDialog
                intent="reactivate"
                title={`Reactivate ${person.displayName || person.email}?`}
                explanation="They can sign in again with their password. They are told by email and in the portal, with your reason."
                error={errors.reason}
                busy={busyIntent === "reactivate"}
              />
            ) : null}
            {errors.reason ? (
              <p className="mt-2 text-sm text-red-700" role="alert">
                {errors.reason}
              </p>
            ) : null}
          </div>
        </Card>
      </div>
      {generation ? (
        <GenerationAccessCard
          settings={generation.settings}
          usage={generation.usage}
          errors={errors}
          busy={busyIntent === "generation"}
        />
      ) : null}
      <Card className="mt-6">
        <h2 className="text-lg font-semibold">Recent activity</h2>
        {history.length === 0 ? (
          <p className="mt-2 text-sm text-stone-600">Nothing recorded yet.</p>
        ) : (
          <ol className="mt-3 divide-y divide-stone-100 text-sm">
            {history.map((entry) => (
              <li key={entry.id} className="flex flex-wrap justify-between gap-2 py-2">
                <span className="font-mono text-xs">{entry.action}</span>
                <span className="text-stone-600">
                  {formatDateTime(entry.createdAt)}
                  {entry.ip ? ` · ${entry.ip}` : ""}
                </span>
              </li>
            ))}
          </ol>
        )}
        <Link
          to={`/admin/audit?subject=${person.id}`}
          className="mt-3 inline-block text-sm text-brand-800 underline"
        >
          Full history in the audit log
        </Link>
      </Card>
    </>
  );
}

/** Suspending and reactivating both ask for a reason, behind a dialog so neither happens by accident. */
function StatusChangeDialog(props: {
  intent: "suspend" | "reactivate";
  title: string;
  explanation: string;
  error?: string;
  busy: boolean;
}) {
  const suspend = props.intent === "suspend";
  return (
    <ConfirmDialog
      trigger={suspend ? "Suspend…" : "Reactivate…"}
      triggerVariant={suspend ? "danger" : "primary"}
      title={props.title}
    >
      {(close) => (
        <Form method="post" className="space-y-4">
          <input type="hidden" name="intent" value={props.intent} />
          <p className="text-sm text-stone-700">{props.explanation}</p>
          <TextAreaField
            label="Reason"
            name="reason"
            required
            minLength={3}
            maxLength={500}
            rows={3}
            error={props.error}
            hint="Recorded in the audit log, and sent to them in the email."
          />
          <div className="flex justify-end gap-2">
            <Button type="button" variant="secondary" onClick={close}>
              Cancel
            </Button>
            <Button type="submit" variant={suspend ? "danger" : "primary"} busy={props.busy}>
              {suspend ? "Suspend" : "Reactivate"}
            </Button>
          </div>
        </Form>
      )}
    </ConfirmDialog>
  );
}

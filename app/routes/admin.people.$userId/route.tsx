import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { z } from "zod";
import { getPerson, reactivateUser, suspendUser, updateAccess } from "~/.server/access/people";
import {
  accessSettingsInput,
  getGenerationAccess,
  updateAccessSettings,
} from "~/.server/access/settings";
import { actingUser, requirePermission } from "~/.server/auth/guards";
import { UserError } from "~/.server/errors";
import { redirectWithFlash } from "~/.server/flash";
import { parseWith, userErrorToResponse, readForm, routeHeaders } from "~/.server/http";
import { deliverEmails } from "~/.server/mail/send";
import { StatusBadge } from "~/components/status-badge";
import { Button } from "~/components/ui/button";
import { ConfirmDialog } from "~/components/ui/confirm-dialog";
import { FormError, SelectField, TextAreaField, TextField } from "~/components/ui/field";
import { Card, formatDateTime, PageHeader } from "~/components/ui/misc";
import { reasonField, roleField } from "~/lib/validation";

export const headers = routeHeaders;

export const meta: MetaFunction<typeof loader> = ({ data }) => [
  { title: `${data?.person.displayName || data?.person.email || "Person"} · People · Greenroom` },
];

export async function loader({ request, params, context }: LoaderFunctionArgs) {
  const user = requirePermission(request, context, "people:manage");
  try {
    const { person, history } = await getPerson(
      context.db,
      actingUser(request, context, user),
      params.userId ?? "",
    );
    const generation =
      person.role === "artist"
        ? await getGenerationAccess(context.db, actingUser(request, context, user), person.id)
        : null;
    return { person, history, generation, isSelf: person.id === user.id };
  } catch (error) {
    if (error instanceof UserError && error.status === 404)
      throw new Response("Not found", { status: 404 });
    throw error;
  }
}

const actionSchema = z.discriminatedUnion("intent", [
  z.object({ intent: z.literal("suspend"), reason: reasonField }),
  z.object({ intent: z.literal("reactivate"), reason: reasonField }),
  z.object({
    intent: z.literal("access"),
    role: roleField,
    trustTier: z.enum(["standard", "trusted"], { error: "Choose a trust tier." }),
  }),
]);

export async function action({ request, params, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "people:manage");
  const by = actingUser(request, context, user);
  const input = await readForm(request);
  if (!input.ok) return input.response;
  const form = Object.fromEntries(input.form);
  const userId = params.userId ?? "";
  const here = `/admin/people/${userId}`;
  if (form.intent === "generation") {
    const settings = parseWith(accessSettingsInput, form);
    if (!settings.ok) return settings.response;
    try {
      await updateAccessSettings(context.db, by, userId, settings.data);
    } catch (error) {
      return userErrorToResponse(error);
    }
    return redirectWithFlash(context, here, {
      kind: "success",
      message: "Generation access saved.",
    });
  }
  const parsed = parseWith(actionSchema, form);
  if (!parsed.ok) return parsed.response;
  try {
    const input = parsed.data;
    if (input.intent === "suspend") {
      const { sessionsEnded, jobsCanceled, emailId } = await suspendUser(
        context.db,
        by,
        userId,
        input.reason,
        { appUrl: context.env.APP_URL },
      );
      await deliverEmails(context.db, context.mailer, [emailId]);
      const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;
      const jobs = jobsCanceled
        ? ` ${plural(jobsCanceled, "generation")} cancelled, the seconds given back.`
        : "";
      return redirectWithFlash(context, here, {
        kind: "success",
        message: `Suspended. ${plural(sessionsEnded, "active session")} ended at once.${jobs} They have been emailed.`,
      });
    }
    if (input.intent === "reactivate") {
      await reactivateUser(context.db, by, userId, input.reason);
      return redirectWithFlash(context, here, {
        kind: "success",
        message: "Reactivated. They can sign in again.",
      });
    }
    await updateAccess(context.db, by, userId, { role: input.role, trustTier: input.trustTier });
    return redirectWithFlash(context, here, { kind: "success", message: "Access saved." });
  } catch (error) {
    return userErrorToResponse(error);
  }
}

export default function Person() {
  const { person, history, generation, isSelf } = useLoaderData<typeof loader>();
  const actionData = useActionData<typeof action>();
  const errors = actionData && !actionData.ok ? actionData.errors : {};
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
                explanation="They can sign in again with their password."
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
            hint="Recorded in the audit log."
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

const dateInput = (value: string | Date | null | undefined) =>
  value ? new Date(value).toISOString().slice(0, 10) : "";

/** What the artist may generate: quota, limits, access window and cohort, with this month's use. */
function GenerationAccessCard(props: {
  settings: {
    monthlyQuotaSeconds: number;
    maxDurationSeconds: number;
    maxResolution: string;
    maxConcurrentJobs: number;
    accessFrom: string | Date | null;
    accessUntil: string | Date | null;
    cohort: string | null;
  } | null;
  usage: { committedSeconds: number; reservedSeconds: number; remainingSeconds: number } | null;
  errors: Record<string, string | undefined>;
  busy: boolean;
}) {
  const s = props.settings;
  return (
    <Card className="mt-6">
      <h2 className="text-lg font-semibold">Generation access</h2>
      <p className="mt-1 text-sm text-stone-600">
        {props.usage
          ? `This month: ${props.usage.committedSeconds} s used, ${props.usage.reservedSeconds} s held by jobs in progress, ${props.usage.remainingSeconds} s left.`
          : "Not set up yet: this artist cannot generate until you save these settings."}
      </p>
      <Form method="post" className="mt-4 grid gap-4 sm:grid-cols-2 lg:grid-cols-4">
        <input type="hidden" name="intent" value="generation" />
        <TextField
          label="Monthly quota (seconds)"
          name="monthlyQuotaSeconds"
          type="number"
          min={0}
          required
          defaultValue={s?.monthlyQuotaSeconds ?? 300}
          error={props.errors.monthlyQuotaSeconds}
        />
        <SelectField
          label="Longest clip"
          name="maxDurationSeconds"
          defaultValue={String(s?.maxDurationSeconds ?? 10)}
          error={props.errors.maxDurationSeconds}
          options={[5, 10, 15, 20].map((n) => ({ value: String(n), label: `${n} seconds` }))}
        />
        <SelectField
          label="Highest resolution"
          name="maxResolution"
          defaultValue={s?.maxResolution ?? "720p"}
          error={props.errors.maxResolution}
          options={["480p", "720p", "1080p"].map((r) => ({ value: r, label: r }))}
        />
        <TextField
          label="Jobs at once"
          name="maxConcurrentJobs"
          type="number"
          min={1}
          max={10}
          required
          defaultValue={s?.maxConcurrentJobs ?? 2}
          error={props.errors.maxConcurrentJobs}
        />
        <TextField
          label="Access from"
          name="accessFrom"
          type="date"
          defaultValue={dateInput(s?.accessFrom)}
          error={props.errors.accessFrom}
          hint="Empty: no start date."
        />
        <TextField
          label="Access until"
          name="accessUntil"
          type="date"
          defaultValue={dateInput(s?.accessUntil)}
          error={props.errors.accessUntil}
          hint="Access ends as this day starts (UTC). Empty: no end date."
        />
        <TextField
          label="Cohort"
          name="cohort"
          maxLength={60}
          defaultValue={s?.cohort ?? ""}
          error={props.errors.cohort}
        />
        <div className="flex items-end">
          <Button type="submit" variant="secondary" busy={props.busy}>
            Save generation access
          </Button>
        </div>
      </Form>
    </Card>
  );
}

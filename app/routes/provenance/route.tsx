import type { ActionFunctionArgs, LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { Form, Link, useActionData, useLoaderData, useNavigation } from "@remix-run/react";
import { useState, type ChangeEvent, type ReactNode } from "react";
import { requirePermission } from "~/.server/auth/guards";
import { withUpload } from "~/.server/uploads";
import { userErrorToResponse, type ActionFailure, routeHeaders } from "~/.server/http";
import {
  beginProvenanceCheck,
  checkUploadedFile,
  provenanceUpload,
  formatMegabytes,
  MAX_UPLOAD_BYTES,
  type ApprovalSummary,
  type ClipApprovalState,
  type ProvenanceLicense,
  type ProvenanceReport,
  type ValidReport,
} from "~/.server/rights/provenance-check";
import { Button } from "~/components/ui/button";
import { Badge, Card, formatDateTime, PageHeader } from "~/components/ui/misc";
import { USE_LABELS } from "~/lib/review";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Check a file's provenance · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  requirePermission(request, context, "provenance:check");
  return { maxBytes: MAX_UPLOAD_BYTES, maxLabel: formatMegabytes(MAX_UPLOAD_BYTES) };
}

export async function action({ request, context }: ActionFunctionArgs) {
  const user = requirePermission(request, context, "provenance:check");
  try {
    await beginProvenanceCheck(context.db, user);
    const report = await withUpload(request, provenanceUpload(), (file) =>
      checkUploadedFile(context.db, user, file, context.env.PROVENANCE_SECRET),
    );
    return { ok: true as const, report };
  } catch (error) {
    return userErrorToResponse(error);
  }
}

type ActionResult = { ok: true; report: ProvenanceReport } | ActionFailure;

export default function ProvenancePage() {
  const { maxBytes, maxLabel } = useLoaderData<typeof loader>();
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formMethod === "POST";
  const [tooBig, setTooBig] = useState<string | null>(null);
  const serverError =
    result && !result.ok ? (result.errors.file ?? result.errors.form ?? null) : null;
  const fileError = tooBig ?? (busy ? null : serverError);

  // Said before the upload starts, so nobody waits minutes to hear the file is too large.
  function onFileChange(event: ChangeEvent<HTMLInputElement>) {
    const file = event.currentTarget.files?.[0];
    const message =
      file && file.size > maxBytes
        ? `The file is larger than ${maxLabel}, the most this page accepts.`
        : "";
    event.currentTarget.setCustomValidity(message);
    setTooBig(message || null);
  }

  return (
    <>
      <PageHeader
        title="Check a file's provenance"
        description="Every clip made in Greenroom carries a signed record in its metadata. Upload an MP4 to see whether it is one of ours, and what became of it."
      />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <Card>
          <h2 className="text-lg font-semibold">Upload a video</h2>
          <Form
            method="post"
            encType="multipart/form-data"
            className="mt-3 space-y-4"
            aria-busy={busy || undefined}
          >
            <div className="space-y-1">
              <label htmlFor="provenance-file" className="block text-sm font-medium text-stone-800">
                MP4 file
              </label>
              <input
                id="provenance-file"
                name="file"
                type="file"
                accept="video/mp4,.mp4"
                required
                onChange={onFileChange}
                aria-invalid={fileError ? true : undefined}
                aria-describedby={`provenance-file-hint${fileError ? " provenance-file-error" : ""}`}
                className="block w-full rounded-md border border-stone-300 bg-white px-3 py-2 text-sm file:mr-3 file:rounded file:border-0 file:bg-stone-200 file:px-3 file:py-1 file:text-sm file:font-semibold focus:border-brand-700"
              />
              <p id="provenance-file-hint" className="text-xs text-stone-600">
                MP4 only, up to {maxLabel}. The file is checked and deleted straight away: we keep
                nothing of it.
              </p>
              {fileError ? (
                <p id="provenance-file-error" className="text-sm text-red-700" role="alert">
                  {fileError}
                </p>
              ) : null}
            </div>
            <Button type="submit" busy={busy}>
              {busy ? "Uploading and checking…" : "Check this file"}
            </Button>
            <p role="status" className="sr-only">
              {busy ? "Uploading and checking the file." : ""}
            </p>
          </Form>
          <h3 className="mt-6 text-sm font-semibold text-stone-800">What is checked</h3>
          <ul className="mt-1 list-disc space-y-1 pl-5 text-sm text-stone-700">
            <li>
              That the file really is an MP4 video we can read (by its content, not its name).
            </li>
            <li>
              Whether it carries Greenroom&apos;s provenance, and whether its signature matches
              exactly: any edit to the record shows.
            </li>
            <li>
              For a clip of ours: when and how it was made, whether it was approved, and the
              licenses it was published under.
            </li>
          </ul>
        </Card>
        <div>
          <p role="status" className="sr-only">
            {result?.ok && !busy ? `Result: ${VERDICTS[result.report.status]}.` : ""}
          </p>
          {result?.ok && !busy ? <ReportView report={result.report} /> : null}
        </div>
      </div>
    </>
  );
}

const VERDICTS: Record<ProvenanceReport["status"], string> = {
  valid: "made in Greenroom, signature valid",
  tampered: "the provenance has been altered",
  unsigned: "no Greenroom provenance",
  foreign: "signed, but not a clip in our records",
};

function ReportView({ report }: { report: ProvenanceReport }) {
  switch (report.status) {
    case "valid":
      return <ValidView report={report} />;
    case "tampered":
      return (
        <Verdict tone="red" badge="Tampered" title="This file's provenance has been altered">
          <p>{report.reason}</p>
          <p>
            Its record cannot be trusted: do not rely on anything it says about who made it or what
            it may be used for.
          </p>
        </Verdict>
      );
    case "unsigned":
      return (
        <Verdict tone="amber" badge="Unsigned" title="This file carries no Greenroom provenance">
          <p>
            It was not made in Greenroom, or its metadata was stripped on the way (re-encoding and
            many editing tools drop it). Either way, nothing here vouches for it.
          </p>
        </Verdict>
      );
    case "foreign":
      return (
        <Verdict tone="amber" badge="Not in our records" title="We have no record of this clip">
          <p>
            The file names clip <span className="break-all font-mono">{report.clipId}</span>, which
            is not one of ours: it was not made in this program, or its record is gone.
          </p>
        </Verdict>
      );
  }
}

function Verdict({
  tone,
  badge,
  title,
  children,
}: {
  tone: "red" | "amber" | "green";
  badge: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <Card>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">{title}</h2>
        <Badge tone={tone}>{badge}</Badge>
      </div>
      <div className="mt-2 space-y-2 text-sm text-stone-700">{children}</div>
    </Card>
  );
}

const APPROVAL_LABELS: Record<ApprovalSummary, string> = {
  approved: "Approved",
  in_review: "In review",
  pending: "Waiting for review",
  changes_requested: "Changes requested",
  superseded: "Replaced by a later version",
  rejected: "Rejected",
  withdrawn: "Withdrawn by the artist",
  never_submitted: "Never submitted",
};

const APPROVAL_TONES: Record<ApprovalSummary, "green" | "amber" | "red" | "stone" | "blue"> = {
  approved: "green",
  in_review: "blue",
  pending: "blue",
  changes_requested: "amber",
  superseded: "stone",
  rejected: "red",
  withdrawn: "stone",
  never_submitted: "stone",
};

const LICENSE_TONES = {
  valid: "green",
  not_started: "blue",
  expired: "amber",
  revoked: "red",
} as const;

function ValidView({ report }: { report: ValidReport }) {
  const { clip } = report;
  return (
    <div className="space-y-6">
      <Verdict tone="green" badge="Signature valid" title="Made in Greenroom">
        <p>The provenance is signed with the program&apos;s key and matches exactly.</p>
        {clip.deletedFromStudio ? (
          <p>The artist has since deleted this clip from their studio; the record remains.</p>
        ) : null}
        <dl className="grid grid-cols-[auto_minmax(0,1fr)] gap-x-4 gap-y-1">
          <dt className="text-stone-600">Clip id</dt>
          <dd className="break-all font-mono text-xs">{clip.id}</dd>
          <dt className="text-stone-600">Made</dt>
          <dd>{formatDateTime(clip.createdAt)}</dd>
          <dt className="text-stone-600">Provider and model</dt>
          <dd>
            {clip.provider} · {clip.model}
          </dd>
          <dt className="text-stone-600">File</dt>
          <dd>
            {clip.width}×{clip.height} · {clip.durationSeconds.toFixed(1)} s
          </dd>
          <dt className="text-stone-600">Artist</dt>
          <dd>
            {report.artist
              ? `${report.artist.displayName || "(no display name)"} · ${report.artist.email}${report.own ? " (you)" : ""}`
              : "An artist in the program"}
          </dd>
          <dt className="text-stone-600">Licensed master</dt>
          <dd>
            {report.master ? (
              <>
                Yes, released under <span className="font-mono">{report.master.code}</span>
                {report.master.license
                  ? ` (${report.master.license.statusLabel.toLowerCase()})`
                  : ": that license is not on record for this clip"}
              </>
            ) : (
              "No: the watermarked clip as made"
            )}
          </dd>
        </dl>
      </Verdict>

      <Card>
        <div className="flex flex-wrap items-center justify-between gap-2">
          <h2 className="text-lg font-semibold">Approval</h2>
          <Badge tone={APPROVAL_TONES[report.approval]}>{APPROVAL_LABELS[report.approval]}</Badge>
        </div>
        {report.submissions.length === 0 ? (
          <p className="mt-2 text-sm text-stone-700">
            This clip was never submitted for review, so it is not approved for any use.
          </p>
        ) : (
          <ul className="mt-2 space-y-2 text-sm">
            {report.submissions.map((s, i) => (
              <li key={i} className="rounded-md border border-stone-200 px-3 py-2">
                <div className="flex flex-wrap items-center gap-2">
                  <Badge tone={APPROVAL_TONES[s.state]}>{stateLabel(s.state)}</Badge>
                  {s.link && s.title ? (
                    <Link to={s.link} className="text-brand-800 underline">
                      {s.title}
                    </Link>
                  ) : (
                    <span>{s.title ?? "A submission"}</span>
                  )}
                </div>
                <p className="mt-1 text-stone-600">
                  {USE_LABELS[s.intendedUse]} use · version {s.version}
                  {s.currentVersion !== s.version ? ` of ${s.currentVersion}` : ""}
                  {s.state === "approved" || s.approvalsNeeded > 1
                    ? ` · ${s.approvals} of ${s.approvalsNeeded} approval${s.approvalsNeeded === 1 ? "" : "s"}`
                    : ""}
                  {s.decidedAt ? ` · decided ${formatDateTime(s.decidedAt)}` : ""}
                </p>
              </li>
            ))}
          </ul>
        )}
      </Card>

      <Card>
        <h2 className="text-lg font-semibold">Licenses</h2>
        {report.licenses.length === 0 ? (
          <p className="mt-2 text-sm text-stone-700">
            No license has been granted for this clip: it may not be published outside the program.
          </p>
        ) : (
          <ul className="mt-2 space-y-2 text-sm">
            {report.licenses.map((l) => (
              <LicenseItem key={l.code} license={l} />
            ))}
          </ul>
        )}
      </Card>
    </div>
  );
}

function stateLabel(state: ClipApprovalState) {
  return APPROVAL_LABELS[state];
}

function LicenseItem({ license }: { license: ProvenanceLicense }) {
  return (
    <li className="rounded-md border border-stone-200 px-3 py-2">
      <div className="flex flex-wrap items-center gap-2">
        <Link to={`/verify/${license.code}`} className="font-mono text-brand-800 underline">
          {license.code}
        </Link>
        <Badge tone={LICENSE_TONES[license.status]}>{license.statusLabel}</Badge>
      </div>
      <p className="mt-1 text-stone-700">{license.scope}</p>
      <p className="text-stone-600">
        Credit: {license.creditLine} · granted {formatDateTime(license.grantedAt)}
        {license.revokedAt ? ` · revoked ${formatDateTime(license.revokedAt)}` : ""}
      </p>
    </li>
  );
}

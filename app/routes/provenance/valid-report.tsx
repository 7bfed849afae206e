import { Link } from "@remix-run/react";
import type {
  ApprovalSummary,
  ClipApprovalState,
  ProvenanceLicense,
  ValidReport,
} from "~/.server/rights/provenance-check";
import { Badge, Card, formatDateTime } from "~/components/ui/misc";
import { USE_LABELS } from "~/lib/review";
import { Verdict } from "./verdict";

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

/** A clip of ours: how it was made, whether it was approved, and its licenses. */
export function ValidView({ report }: { report: ValidReport }) {
  const { clip } = report;
  return (
    <div className="space-y-6">
      <Verdict tone="green" badge="Signature valid" title="Made in Greenroom">
        {report.credentials === "signed" ? (
          <p>
            Its C2PA Content Credentials are signed with the program&apos;s key and match the file
            byte for byte; any standard C2PA verifier reads the same.
          </p>
        ) : (
          <p>
            Its Content Credentials were dropped when the file was re-packaged, but the video inside
            is exactly the one Greenroom signed: its record, bound to the coded picture, still
            matches.
          </p>
        )}
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

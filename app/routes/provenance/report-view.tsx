import type { ProvenanceReport } from "~/.server/rights/provenance-check";
import { ValidView } from "./valid-report";
import { Verdict } from "./verdict";

export const VERDICTS: Record<ProvenanceReport["status"], string> = {
  valid: "made in Greenroom, signature valid",
  tampered: "the provenance has been altered",
  unsigned: "no Greenroom provenance",
  foreign: "signed, but not a clip in our records",
};

/** What the check found: one verdict per kind of file. */
export function ReportView({ report }: { report: ProvenanceReport }) {
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

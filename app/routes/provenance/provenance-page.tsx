import { useActionData, useNavigation } from "@remix-run/react";
import type { ProvenanceReport } from "~/.server/rights/provenance-check";
import { PageHeader } from "~/components/ui/misc";
import type { ActionFailure } from "~/lib/intents";
import { ReportView, VERDICTS } from "./report-view";
import { UploadCard } from "./upload-card";

type ActionResult = { ok: true; report: ProvenanceReport } | ActionFailure;

/** Anyone signed in uploads an MP4 and reads whether it is one of ours, and what became of it. */
export function ProvenancePage() {
  const result = useActionData<ActionResult>();
  const navigation = useNavigation();
  const busy = navigation.state === "submitting" && navigation.formMethod === "POST";
  return (
    <>
      <PageHeader
        title="Check a file's provenance"
        description="Every clip made in Greenroom carries C2PA Content Credentials and a signed record, both bound to its bytes. Upload an MP4 to see whether it is one of ours, whether it was changed, and what became of it. Other producers’ Content Credentials are read too."
      />
      <div className="grid items-start gap-6 lg:grid-cols-[minmax(0,2fr)_minmax(0,3fr)]">
        <UploadCard busy={busy} />
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

import { useLoaderData } from "@remix-run/react";
import { Badge, Card } from "~/components/ui/misc";
import type { loader } from "./route";

/** The provenance sealed into the clip's file, and whether its record checks out. */
export function ProvenanceCard() {
  const { provenance } = useLoaderData<typeof loader>();
  return (
    <Card>
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">Provenance</h2>
        {provenance.status === "valid" ? (
          <Badge tone="green">Signature valid</Badge>
        ) : provenance.status === "legacy" ? (
          <Badge tone="amber">Signed before Content Credentials</Badge>
        ) : (
          <Badge tone="red">Signature invalid</Badge>
        )}
      </div>
      <p className="mt-1 text-sm text-stone-600">
        {provenance.status === "legacy"
          ? "This clip carries the program\u2019s older record, which names it but is not bound to its pixels. The program team re-signs such clips with Content Credentials."
          : "The file carries C2PA Content Credentials (readable by any standard verifier) and the program\u2019s own record, both bound to its bytes: a changed copy no longer verifies. Anyone in the program can check a file on the provenance page."}
      </p>
      <dl className="mt-3 space-y-1 text-sm">
        <ProvenanceRow label="Clip id" value={provenance.clipId} />
        {provenance.accountRef ? (
          <ProvenanceRow label="Account reference (pseudonymous)" value={provenance.accountRef} />
        ) : null}
        <ProvenanceRow
          label="Provider and model"
          value={`${provenance.provider} · ${provenance.model}`}
        />
        <ProvenanceRow label="Prompt SHA-256" value={provenance.promptSha256} />
        {provenance.videoSha256 ? (
          <ProvenanceRow label="Video SHA-256" value={provenance.videoSha256} />
        ) : null}
        <ProvenanceRow label="Created" value={provenance.createdAt} />
      </dl>
    </Card>
  );
}

function ProvenanceRow({ label, value }: { label: string; value: string }) {
  return (
    <div>
      <dt className="text-stone-600">{label}</dt>
      <dd className="break-all font-mono text-xs">{value}</dd>
    </div>
  );
}

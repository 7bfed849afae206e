import { useLoaderData } from "@remix-run/react";
import { Badge, Card } from "~/components/ui/misc";
import type { loader } from "./route";

/** The provenance signed into the clip's file, and whether its signature checks out. */
export function ProvenanceCard() {
  const { provenance } = useLoaderData<typeof loader>();
  return (
    <Card>
      <div className="flex items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">Provenance</h2>
        {provenance.valid ? (
          <Badge tone="green">Signature valid</Badge>
        ) : (
          <Badge tone="red">Signature invalid</Badge>
        )}
      </div>
      <p className="mt-1 text-sm text-stone-600">
        Signed into the file&apos;s metadata with the program&apos;s key. Anyone can check a file on
        the provenance page.
      </p>
      <dl className="mt-3 space-y-1 text-sm">
        <ProvenanceRow label="Clip id" value={provenance.clipId} />
        <ProvenanceRow label="Account id" value={provenance.accountId} />
        <ProvenanceRow
          label="Provider and model"
          value={`${provenance.provider} · ${provenance.model}`}
        />
        <ProvenanceRow label="Prompt SHA-256" value={provenance.promptSha256} />
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

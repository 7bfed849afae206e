import { Link, type useLoaderData } from "@remix-run/react";
import { LicenseStatusBadge } from "~/components/rights/license-status";
import { Badge, Card, formatDateTime } from "~/components/ui/misc";
import { termsInWords } from "~/lib/rights";
import type { loader } from "./route";

type Right = ReturnType<typeof useLoaderData<typeof loader>>["rights"][number];

/** One request: waiting, not granted (and why), or its license with the links it comes with. */
export function RightCard({ right }: { right: Right }) {
  const { request, license, title, status } = right;
  return (
    <Card>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h3 className="font-semibold">{title}</h3>
        {license && status ? (
          <LicenseStatusBadge status={status} />
        ) : (
          <Badge tone={request.state === "denied" ? "red" : "amber"}>
            {request.state === "denied" ? "Not granted" : "Waiting for an answer"}
          </Badge>
        )}
      </div>
      <p className="mt-1 text-sm text-stone-700">
        {license ? (
          <>
            License <span className="font-mono font-semibold">{license.code}</span> ·{" "}
            {termsInWords(license)}
          </>
        ) : (
          <>Asked for: {termsInWords(request)}</>
        )}
      </p>
      <p className="mt-1 text-xs text-stone-600">
        Requested {formatDateTime(request.createdAt)}
        {request.autoGranted ? " · granted at once (trusted tier)" : ""}
        {license?.revokedAt ? ` · revoked ${formatDateTime(license.revokedAt)}` : ""}
      </p>
      {request.denyReason ? (
        <p className="mt-2 text-sm">
          <span className="font-medium">Reason:</span> {request.denyReason}
        </p>
      ) : null}
      {license?.revokeReason ? (
        <p className="mt-2 text-sm">
          <span className="font-medium">Why it was revoked:</span> {license.revokeReason}
        </p>
      ) : null}
      {license ? (
        <div className="mt-3 flex flex-wrap gap-3 text-sm">
          <Link to={`/verify/${license.code}`} className="text-brand-800 underline">
            Public verification page
          </Link>
          {license.masterAllowed && status === "valid" ? (
            <a
              href={`/rights/licenses/${license.id}/master`}
              className="text-brand-800 underline"
              download
            >
              Download the watermark-free master
            </a>
          ) : null}
        </div>
      ) : null}
    </Card>
  );
}

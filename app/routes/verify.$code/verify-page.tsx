import { useLoaderData } from "@remix-run/react";
import { LicenseStatusBadge } from "~/components/rights/license-status";
import { formatDay } from "~/lib/dates";
import { countryName } from "~/lib/rights";
import type { loader } from "./route";

const day = (value: string) => formatDay(value, "long");

/** What a license covers and whether it holds, for anyone with its code. */
export function VerifyPage() {
  const license = useLoaderData<typeof loader>();
  const valid = license.status === "valid";
  return (
    <div className="mx-auto max-w-3xl px-4 py-10">
      <p className="text-sm font-black tracking-tight text-brand-800">Greenroom · license check</p>
      <div className="mt-2 flex flex-wrap items-center gap-3">
        <h1 className="text-2xl font-bold">{license.title}</h1>
        <LicenseStatusBadge status={license.status} />
      </div>
      <p className="mt-1 text-stone-700">
        By {license.artist} · license <span className="font-mono">{license.code}</span>
      </p>
      <p
        role="status"
        className={`mt-4 rounded-md border px-4 py-3 text-sm ${valid ? "border-green-300 bg-green-50 text-green-950" : "border-red-300 bg-red-50 text-red-950"}`}
      >
        {valid
          ? "This license is valid: the clip may be published within the scope below."
          : license.status === "revoked"
            ? "This license was revoked: the clip may no longer be published under it."
            : license.status === "expired"
              ? "This license has expired: its term is over."
              : "This license is not in force yet: its term has not started."}
      </p>
      <div className="mt-6 grid gap-6 sm:grid-cols-2">
        <div className="palette-fixed overflow-hidden rounded-lg bg-stone-900">
          {valid ? (
            // eslint-disable-next-line jsx-a11y/media-has-caption -- generated clips have no speech
            <video
              controls
              preload="none"
              playsInline
              poster={`/verify/${license.code}/poster`}
              src={`/verify/${license.code}/preview`}
              className="w-full"
              aria-label={`Watermarked preview of ${license.title}`}
            />
          ) : (
            <img
              src={`/verify/${license.code}/poster`}
              alt={`A still of ${license.title}`}
              className="w-full"
            />
          )}
        </div>
        <dl className="space-y-2 text-sm">
          <div>
            <dt className="text-stone-600">Platforms</dt>
            <dd>{license.platforms.join(", ")}</dd>
          </div>
          <div>
            <dt className="text-stone-600">Use</dt>
            <dd>{license.commercial ? "Commercial" : "Non-commercial"}</dd>
          </div>
          <div>
            <dt className="text-stone-600">Territory</dt>
            <dd>
              {license.territory === "worldwide"
                ? "Worldwide"
                : (license.territory as string[]).map(countryName).join(", ")}
            </dd>
          </div>
          <div>
            <dt className="text-stone-600">Term</dt>
            <dd>
              From {day(license.termStart)}
              {license.termEnd ? ` to ${day(license.termEnd)}` : ", perpetual"}
            </dd>
          </div>
          <div>
            <dt className="text-stone-600">Credit</dt>
            <dd>{license.creditLine}</dd>
          </div>
          <div>
            <dt className="text-stone-600">Granted</dt>
            <dd>{day(license.grantedAt.slice(0, 10))}</dd>
          </div>
          {license.revokedAt ? (
            <div>
              <dt className="text-stone-600">Revoked</dt>
              <dd>{day(license.revokedAt.slice(0, 10))}</dd>
            </div>
          ) : null}
        </dl>
      </div>
      <p className="mt-6 text-xs text-stone-600">
        Platforms can read the same facts as JSON at /verify/{license.code}.json.
      </p>
    </div>
  );
}

import { Badge } from "~/components/ui/misc";
import { LICENSE_STATUS_LABELS, type LicenseStatus } from "~/lib/rights";

const TONES: Record<LicenseStatus, "green" | "stone" | "red" | "amber"> = {
  valid: "green",
  expired: "stone",
  revoked: "red",
  not_started: "amber",
};

/** A license's status in words, the same on the artist's, the admin's and the public page. */
export function LicenseStatusBadge({ status }: { status: LicenseStatus }) {
  return <Badge tone={TONES[status]}>{LICENSE_STATUS_LABELS[status]}</Badge>;
}

import { Badge } from "./ui/misc";

const tones = {
  active: "green",
  invited: "amber",
  suspended: "red",
  pending: "amber",
  accepted: "green",
  expired: "stone",
  revoked: "red",
  queued: "amber",
  sent: "green",
  failed: "red",
  running: "blue",
  succeeded: "green",
  canceled: "stone",
} as const;

/** One spelling (British, as the rest of the product) and a capital, whatever the state's code. */
const labels: Partial<Record<keyof typeof tones, string>> = { canceled: "Cancelled" };

export function StatusBadge({ status }: { status: keyof typeof tones }) {
  const label = labels[status] ?? status.charAt(0).toUpperCase() + status.slice(1);
  return <Badge tone={tones[status]}>{label}</Badge>;
}

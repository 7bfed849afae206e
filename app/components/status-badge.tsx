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

export function StatusBadge({ status }: { status: keyof typeof tones }) {
  return <Badge tone={tones[status]}>{status}</Badge>;
}

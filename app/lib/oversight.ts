// Oversight: the vocabulary of anomaly flags, shared by the scan (server) and /admin/flags (UI).

export const ANOMALY_KINDS = [
  "many_addresses",
  "many_user_agents",
  "volume_spike",
  "many_sign_in_addresses",
] as const;
export type AnomalyKind = (typeof ANOMALY_KINDS)[number];

export const ANOMALY_LABELS: Record<AnomalyKind, string> = {
  many_addresses: "Many addresses in an hour",
  many_user_agents: "Many browsers in an hour",
  volume_spike: "Generation volume far above usual",
  many_sign_in_addresses: "Sign-ins from many addresses",
};

export const FLAG_STATES = ["open", "dismissed", "actioned"] as const;
export type FlagState = (typeof FLAG_STATES)[number];

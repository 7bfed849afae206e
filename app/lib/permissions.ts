// The one table of who may do what. The server's guards and domain functions read it, and the UI
// reads it to show only what a person can use.
export const roles = ["artist", "reviewer", "admin"] as const;
export type Role = (typeof roles)[number];

export const permissions = {
  "home:view": ["artist", "reviewer", "admin"],
  "provenance:check": ["artist", "reviewer", "admin"],
  "studio:use": ["artist"],
  "review:work": ["reviewer", "admin"],
  "notifications:view": ["artist", "reviewer", "admin"],
  "people:manage": ["admin"],
  "rights:manage": ["admin"],
  "invites:manage": ["admin"],
  "audit:read": ["admin"],
  "outbox:read": ["admin"],
  // Money: artists see and log their own; reviewers never see money; admins run it.
  "money:earn": ["artist"],
  "money:manage": ["admin"],
  // Oversight: the dashboard and the anomaly flags.
  "oversight:view": ["admin"],
} as const satisfies Record<string, readonly Role[]>;

export type Permission = keyof typeof permissions;

export function can(role: Role | null | undefined, permission: Permission): boolean {
  if (!role) return false;
  return (permissions[permission] as readonly Role[]).includes(role);
}

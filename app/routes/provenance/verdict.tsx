import type { ReactNode } from "react";
import { Badge, Card } from "~/components/ui/misc";

/** A verdict's card: its title and badge, then what it means. */
export function Verdict({
  tone,
  badge,
  title,
  children,
}: {
  tone: "red" | "amber" | "green";
  badge: string;
  title: string;
  children: ReactNode;
}) {
  return (
    <Card>
      <div className="flex flex-wrap items-center justify-between gap-2">
        <h2 className="text-lg font-semibold">{title}</h2>
        <Badge tone={tone}>{badge}</Badge>
      </div>
      <div className="mt-2 space-y-2 text-sm text-stone-700">{children}</div>
    </Card>
  );
}

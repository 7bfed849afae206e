import { NavLink } from "@remix-run/react";

const LINKS = [
  { to: "/admin/money", label: "Overview", end: true },
  { to: "/admin/money/payouts", label: "Payouts" },
  { to: "/admin/money/grants", label: "Grants" },
  { to: "/admin/money/promotions", label: "Promotional use" },
  { to: "/admin/money/rates", label: "Rate card" },
];

/** The money section's own tabs, under the page title. */
export function MoneyNav() {
  return (
    <nav
      aria-label="Money sections"
      className="mb-6 flex flex-wrap gap-1 border-b border-stone-200 pb-2 text-sm"
    >
      {LINKS.map((link) => (
        <NavLink
          key={link.to}
          to={link.to}
          end={link.end}
          className={({ isActive }) =>
            `rounded-md px-3 py-1.5 ${isActive ? "bg-brand-100 font-semibold text-brand-900" : "text-stone-700 hover:bg-stone-100"}`
          }
        >
          {link.label}
        </NavLink>
      ))}
    </nav>
  );
}

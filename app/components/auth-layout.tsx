import { Link } from "@remix-run/react";
import type { ReactNode } from "react";

/** The signed-out pages: a calm two-column layout that says what the program is. */
export function AuthLayout({
  title,
  subtitle,
  children,
}: {
  title: string;
  subtitle?: ReactNode;
  children: ReactNode;
}) {
  return (
    <div className="grid min-h-screen lg:grid-cols-2">
      <div className="palette-fixed relative hidden overflow-hidden bg-brand-900 p-12 text-brand-50 lg:flex lg:flex-col lg:justify-between">
        <div
          aria-hidden="true"
          className="absolute -right-24 -top-24 h-96 w-96 rounded-full bg-gradient-to-br from-brand-600 to-emerald-300 opacity-40 blur-3xl"
        />
        <div
          aria-hidden="true"
          className="absolute -bottom-32 left-10 h-80 w-80 rounded-full bg-gradient-to-tr from-amber-300 to-brand-600 opacity-30 blur-3xl"
        />
        <p className="relative text-2xl font-black tracking-tight">Greenroom</p>
        <div className="relative max-w-md space-y-6">
          <p className="text-3xl font-semibold leading-tight">
            The early-access program that treats artists as collaborators.
          </p>
          <ul className="space-y-3 text-brand-100">
            <li>• Generate with a quota you can see, and a queue that is fair to everyone.</li>
            <li>• Know where every clip stands in review, who decided, and why.</li>
            <li>• Every contribution recorded, priced by a published rate card, and paid.</li>
          </ul>
        </div>
        <p className="relative text-sm text-brand-100">
          Invitation only · Every output carries signed provenance
        </p>
      </div>
      <div className="flex items-center justify-center px-6 py-12">
        <div className="w-full max-w-sm">
          <p className="mb-8 text-xl font-black tracking-tight text-brand-800 lg:hidden">
            Greenroom
          </p>
          <h1 className="text-2xl font-bold tracking-tight">{title}</h1>
          {subtitle ? <div className="mt-2 text-sm text-stone-600">{subtitle}</div> : null}
          <div className="mt-8">{children}</div>
        </div>
      </div>
    </div>
  );
}

/** What an emailed link shows once it is used, expired or unknown: why, and what to do next. */
export function LinkGone(props: { title: string; message: string; to: string; action: string }) {
  return (
    <AuthLayout title={props.title}>
      <p className="text-stone-700">{props.message}</p>
      <Link to={props.to} className="mt-6 inline-block font-medium text-brand-800 underline">
        {props.action}
      </Link>
    </AuthLayout>
  );
}

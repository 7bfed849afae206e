import type { LoaderFunctionArgs, MetaFunction } from "@remix-run/node";
import { requireActor } from "~/.server/auth/guards";
import { intentAction, routeHeaders } from "~/.server/http";
import { approveGrant, awardGrant, cancelGrant, grantInput } from "~/.server/money/grants";
import { listGrants, moneyFormChoices } from "~/.server/money/views";
import { formatMoney } from "~/lib/money";
import { itemInput, reasonField } from "~/lib/validation";
import { GrantsPage } from "./grants-page";

export const headers = routeHeaders;

export const meta: MetaFunction = () => [{ title: "Grants · Money · Admin · Greenroom" }];

export async function loader({ request, context }: LoaderFunctionArgs) {
  const admin = requireActor(request, context, "money:manage");
  const [grants, choices] = await Promise.all([
    listGrants(context.db, admin),
    moneyFormChoices(context.db, admin),
  ]);
  return {
    grants,
    artists: choices.artists,
    me: admin.id,
    threshold: context.env.GRANT_APPROVAL_THRESHOLD,
    awardKey: crypto.randomUUID(),
  };
}

const HERE = "/admin/money/grants";

/** A refusal shows on the grant's own row; the award form's on the form. */
const onRow = (fields: Record<string, unknown>) => ({ id: String(fields.id ?? "") });

export const action = intentAction("money:manage", (intent) => {
  const terms = (appUrl: string, threshold: number) => ({
    appUrl,
    approvalThresholdMinor: threshold,
  });
  return {
    award: intent({
      input: grantInput,
      at: () => ({ id: "award" }),
      run: (input, { db, actor, appUrl, context }) =>
        awardGrant(db, actor, input, terms(appUrl, context.env.GRANT_APPROVAL_THRESHOLD)),
      then: ({ grant }, { flash }) => {
        const amount = formatMoney(grant.amountMinor, grant.currency);
        return flash(
          HERE,
          grant.needsSecondApproval
            ? `Awarded ${amount}. Above the threshold: another admin must approve it.`
            : `Awarded and approved ${amount}. It is payable now.`,
        );
      },
    }),
    approve: intent({
      input: itemInput,
      at: onRow,
      run: ({ id }, { db, actor, appUrl, context }) =>
        approveGrant(db, actor, id, terms(appUrl, context.env.GRANT_APPROVAL_THRESHOLD)),
      then: (_, { flash }) => flash(HERE, "Grant approved. It is payable now."),
    }),
    cancel: intent({
      input: itemInput.extend({ reason: reasonField }),
      at: onRow,
      run: ({ id, reason }, { db, actor }) => cancelGrant(db, actor, id, reason),
      then: (_, { flash }) => flash(HERE, "Grant cancelled."),
    }),
  };
});

export default GrantsPage;

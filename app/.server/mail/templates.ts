// The registry of templates the send function can render: name → component and subject line.
import AdminPasswordResetEmail, {
  subject as adminPasswordResetSubject,
  type AdminPasswordResetEmailProps,
} from "~emails/admin-password-reset";
import AccountReactivatedEmail, {
  subject as accountReactivatedSubject,
  type AccountReactivatedEmailProps,
} from "~emails/account-reactivated";
import AccountSuspendedEmail, {
  subject as accountSuspendedSubject,
  type AccountSuspendedEmailProps,
} from "~emails/account-suspended";
import ContributionDecidedEmail, {
  subject as contributionDecidedSubject,
  type ContributionDecidedEmailProps,
} from "~emails/contribution-decided";
import GrantAwardedEmail, {
  subject as grantAwardedSubject,
  type GrantAwardedEmailProps,
} from "~emails/grant-awarded";
import InviteEmail, { subject as inviteSubject, type InviteEmailProps } from "~emails/invite";
import OverdueDigestEmail, {
  subject as overdueDigestSubject,
  type OverdueDigestEmailProps,
} from "~emails/overdue-digest";
import PasswordResetEmail, {
  subject as passwordResetSubject,
  type PasswordResetEmailProps,
} from "~emails/password-reset";
import PayoutSentEmail, {
  subject as payoutSentSubject,
  type PayoutSentEmailProps,
} from "~emails/payout-sent";
import PromotionRequestedEmail, {
  subject as promotionRequestedSubject,
  type PromotionRequestedEmailProps,
} from "~emails/promotion-requested";
import RightsDecisionEmail, {
  subject as rightsDecisionSubject,
  type RightsDecisionEmailProps,
} from "~emails/rights-decision";
import ReviewCommentEmail, {
  subject as reviewCommentSubject,
  type ReviewCommentEmailProps,
} from "~emails/review-comment";
import ReviewReplyEmail, {
  subject as reviewReplySubject,
  type ReviewReplyEmailProps,
} from "~emails/review-reply";
import ReviewDecisionEmail, {
  subject as reviewDecisionSubject,
  type ReviewDecisionEmailProps,
} from "~emails/review-decision";
import StudioUpdateEmail, {
  subject as studioUpdateSubject,
  type StudioUpdateEmailProps,
} from "~emails/studio-update";

export const templates = {
  invite: { component: InviteEmail, subject: inviteSubject },
  // resetUrl opens the account: it goes to the recipient only, never into the outbox (sealed.ts).
  "password-reset": {
    component: PasswordResetEmail,
    subject: passwordResetSubject,
    secrets: ["resetUrl"],
  },
  "review-decision": { component: ReviewDecisionEmail, subject: reviewDecisionSubject },
  "review-comment": { component: ReviewCommentEmail, subject: reviewCommentSubject },
  "review-reply": { component: ReviewReplyEmail, subject: reviewReplySubject },
  "overdue-digest": { component: OverdueDigestEmail, subject: overdueDigestSubject },
  "rights-decision": { component: RightsDecisionEmail, subject: rightsDecisionSubject },
  "contribution-decided": {
    component: ContributionDecidedEmail,
    subject: contributionDecidedSubject,
  },
  "grant-awarded": { component: GrantAwardedEmail, subject: grantAwardedSubject },
  "payout-sent": { component: PayoutSentEmail, subject: payoutSentSubject },
  "promotion-requested": {
    component: PromotionRequestedEmail,
    subject: promotionRequestedSubject,
  },
  "account-suspended": { component: AccountSuspendedEmail, subject: accountSuspendedSubject },
  "account-reactivated": {
    component: AccountReactivatedEmail,
    subject: accountReactivatedSubject,
  },
  "admin-password-reset": {
    component: AdminPasswordResetEmail,
    subject: adminPasswordResetSubject,
  },
  "studio-update": { component: StudioUpdateEmail, subject: studioUpdateSubject },
};

export type TemplateProps = {
  invite: InviteEmailProps;
  "password-reset": PasswordResetEmailProps;
  "review-decision": ReviewDecisionEmailProps;
  "review-comment": ReviewCommentEmailProps;
  "review-reply": ReviewReplyEmailProps;
  "overdue-digest": OverdueDigestEmailProps;
  "rights-decision": RightsDecisionEmailProps;
  "contribution-decided": ContributionDecidedEmailProps;
  "grant-awarded": GrantAwardedEmailProps;
  "payout-sent": PayoutSentEmailProps;
  "promotion-requested": PromotionRequestedEmailProps;
  "account-suspended": AccountSuspendedEmailProps;
  "account-reactivated": AccountReactivatedEmailProps;
  "admin-password-reset": AdminPasswordResetEmailProps;
  "studio-update": StudioUpdateEmailProps;
};

export type TemplateName = keyof typeof templates;

/** The props of `template` that are secret: sealed in the outbox, shown to nobody but the recipient. */
export function secretPropsOf(template: TemplateName): readonly string[] {
  const entry = templates[template] as { secrets?: readonly string[] };
  return entry.secrets ?? [];
}

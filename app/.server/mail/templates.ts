// The registry of templates the send function can render: name → component and subject line.
import InviteEmail, { subject as inviteSubject, type InviteEmailProps } from "~emails/invite";
import OverdueDigestEmail, {
  subject as overdueDigestSubject,
  type OverdueDigestEmailProps,
} from "~emails/overdue-digest";
import PasswordResetEmail, {
  subject as passwordResetSubject,
  type PasswordResetEmailProps,
} from "~emails/password-reset";
import RightsDecisionEmail, {
  subject as rightsDecisionSubject,
  type RightsDecisionEmailProps,
} from "~emails/rights-decision";
import ReviewCommentEmail, {
  subject as reviewCommentSubject,
  type ReviewCommentEmailProps,
} from "~emails/review-comment";
import ReviewDecisionEmail, {
  subject as reviewDecisionSubject,
  type ReviewDecisionEmailProps,
} from "~emails/review-decision";

export const templates = {
  invite: { component: InviteEmail, subject: inviteSubject },
  "password-reset": { component: PasswordResetEmail, subject: passwordResetSubject },
  "review-decision": { component: ReviewDecisionEmail, subject: reviewDecisionSubject },
  "review-comment": { component: ReviewCommentEmail, subject: reviewCommentSubject },
  "overdue-digest": { component: OverdueDigestEmail, subject: overdueDigestSubject },
  "rights-decision": { component: RightsDecisionEmail, subject: rightsDecisionSubject },
};

export type TemplateProps = {
  invite: InviteEmailProps;
  "password-reset": PasswordResetEmailProps;
  "review-decision": ReviewDecisionEmailProps;
  "review-comment": ReviewCommentEmailProps;
  "overdue-digest": OverdueDigestEmailProps;
  "rights-decision": RightsDecisionEmailProps;
};

export type TemplateName = keyof typeof templates;

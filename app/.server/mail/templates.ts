// The registry of templates the send function can render: name → component and subject line.
import InviteEmail, { subject as inviteSubject, type InviteEmailProps } from "~emails/invite";
import PasswordResetEmail, {
  subject as passwordResetSubject,
  type PasswordResetEmailProps,
} from "~emails/password-reset";

export const templates = {
  invite: { component: InviteEmail, subject: inviteSubject },
  "password-reset": { component: PasswordResetEmail, subject: passwordResetSubject },
};

export type TemplateProps = {
  invite: InviteEmailProps;
  "password-reset": PasswordResetEmailProps;
};

export type TemplateName = keyof typeof templates;

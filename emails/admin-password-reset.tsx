import { Button, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type AdminPasswordResetEmailProps = {
  recipientName: string;
  /** The admin whose password was reset. */
  adminName: string;
  adminEmail: string;
  /** When, as the server saw it (UTC), and from which address. */
  at: string;
  ip: string | null;
  /** The admin's page, where the account can be suspended. */
  url: string;
};

export function subject(props: AdminPasswordResetEmailProps) {
  return `Security: ${props.adminName}'s admin password was reset`;
}

export default function AdminPasswordResetEmail(props: AdminPasswordResetEmailProps) {
  return (
    <EmailLayout preview={subject(props)} heading="An admin's password was reset">
      <Text>Hello {props.recipientName},</Text>
      <Text>
        The password of {props.adminName} ({props.adminEmail}), an admin of Greenroom, was reset
        through an emailed link on {props.at}
        {props.ip ? ` from the address ${props.ip}` : ""}. Every session of that account was ended.
      </Text>
      <Text>
        Every admin is told, because an admin account can approve grants and change anyone&apos;s
        access. If {props.adminName} did not do this, suspend the account and talk to them.
      </Text>
      <Button href={props.url} style={buttonStyle}>
        Open the account
      </Button>
    </EmailLayout>
  );
}

AdminPasswordResetEmail.PreviewProps = {
  recipientName: "Omar Castillo",
  adminName: "Ada Admin",
  adminEmail: "admin@greenroom.test",
  at: "2 December 2026, 09:14 UTC",
  ip: "203.0.113.7",
  url: "http://localhost:3000/admin/people/00000000-0000-0000-0000-000000000000",
} satisfies AdminPasswordResetEmailProps;

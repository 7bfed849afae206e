import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type InviteEmailProps = {
  inviteUrl: string;
  invitedByName: string;
  role: "artist" | "reviewer" | "admin";
  expiresAt: string;
};

export function subject(_props: InviteEmailProps) {
  return "You're invited to the Greenroom early-access program";
}

export default function InviteEmail(props: InviteEmailProps) {
  return (
    <EmailLayout preview="Your invitation to Greenroom" heading="You're invited to Greenroom">
      <Text>
        {props.invitedByName} invited you to join the Greenroom early-access program as{" "}
        {props.role === "admin" ? "an admin" : `a ${props.role}`}.
      </Text>
      <Text>
        Choose your name and a password to get started. This link works once and expires on{" "}
        {props.expiresAt}.
      </Text>
      <Button href={props.inviteUrl} style={buttonStyle}>
        Accept the invitation
      </Button>
      <Text style={{ fontSize: 13, color: "#4b5563" }}>
        Or paste this address into your browser:{" "}
        <Link href={props.inviteUrl}>{props.inviteUrl}</Link>
      </Text>
    </EmailLayout>
  );
}

InviteEmail.PreviewProps = {
  inviteUrl: "http://localhost:3000/invite/preview-token",
  invitedByName: "Ada Admin",
  role: "artist",
  expiresAt: "28 November 2026",
} satisfies InviteEmailProps;

import { Button, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type AccountReactivatedEmailProps = {
  artistName: string;
  /** What the admin wrote when reactivating (the person saw the suspension's reason too). */
  reason: string;
  /** The sign-in page. */
  url: string;
};

export function subject(_props: AccountReactivatedEmailProps) {
  return "Your Greenroom access is back";
}

export default function AccountReactivatedEmail(props: AccountReactivatedEmailProps) {
  return (
    <EmailLayout preview={subject(props)} heading="Your access is back">
      <Text>Hello {props.artistName},</Text>
      <Text>
        The program team reactivated your Greenroom account. You can sign in again with your
        password; your clips, submissions and earnings are as you left them.
      </Text>
      <Text style={{ borderLeft: "3px solid #d6d3d1", paddingLeft: 12 }}>
        <strong>Note from the team:</strong> {props.reason}
      </Text>
      <Button href={props.url} style={buttonStyle}>
        Sign in
      </Button>
    </EmailLayout>
  );
}

AccountReactivatedEmail.PreviewProps = {
  artistName: "Jonas Berg",
  reason: "Thanks for explaining: the shared address was your studio's office network.",
  url: "http://localhost:3000/login",
} satisfies AccountReactivatedEmailProps;

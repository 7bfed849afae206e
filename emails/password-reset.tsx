import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type PasswordResetEmailProps = {
  resetUrl: string;
  displayName: string;
};

export function subject(_props: PasswordResetEmailProps) {
  return "Reset your Greenroom password";
}

export default function PasswordResetEmail(props: PasswordResetEmailProps) {
  return (
    <EmailLayout preview="Reset your Greenroom password" heading="Reset your password">
      <Text>Hello {props.displayName || "there"},</Text>
      <Text>
        Someone asked to reset the password of your Greenroom account. The link below works once,
        for one hour. Choosing a new password signs you out everywhere.
      </Text>
      <Button href={props.resetUrl} style={buttonStyle}>
        Choose a new password
      </Button>
      <Text style={{ fontSize: 13, color: "#4b5563" }}>
        Or paste this address into your browser: <Link href={props.resetUrl}>{props.resetUrl}</Link>
      </Text>
      <Text>
        If you did not ask for this, you can ignore this email: your password stays as it is.
      </Text>
    </EmailLayout>
  );
}

PasswordResetEmail.PreviewProps = {
  resetUrl: "http://localhost:3000/reset-password/preview-token",
  displayName: "Ari Artist",
} satisfies PasswordResetEmailProps;

import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type GrantAwardedEmailProps = {
  artistName: string;
  /** Already formatted, e.g. "€120.00". */
  amount: string;
  /** What the grant is for, in words. */
  purpose: string;
  /** Large grants need a second admin's approval before they are payable. */
  awaitingSecondApproval: boolean;
  url: string;
};

export function subject(props: GrantAwardedEmailProps) {
  return `You were awarded a grant of ${props.amount}`;
}

export default function GrantAwardedEmail(props: GrantAwardedEmailProps) {
  return (
    <EmailLayout preview={subject(props)} heading="You were awarded a grant">
      <Text>Hello {props.artistName},</Text>
      <Text>
        The program awarded you a grant of <strong>{props.amount}</strong>.
      </Text>
      <Text style={{ borderLeft: "3px solid #d6d3d1", paddingLeft: 12 }}>
        <strong>For:</strong> {props.purpose}
      </Text>
      <Text>
        {props.awaitingSecondApproval
          ? "A grant of this size needs a second admin's approval before it is payable. Until then it shows on your statement as pending; once approved, it is paid in the next payout batch."
          : "It is approved and added to your balance, and will be paid in the next payout batch."}
      </Text>
      <Button href={props.url} style={buttonStyle}>
        See your statement
      </Button>
      <Text style={{ fontSize: 13, color: "#4b5563" }}>
        Or paste this address into your browser: <Link href={props.url}>{props.url}</Link>
      </Text>
    </EmailLayout>
  );
}

GrantAwardedEmail.PreviewProps = {
  artistName: "Ari Artist",
  amount: "€120.00",
  purpose: "Travel to the spring showcase in Lisbon",
  awaitingSecondApproval: false,
  url: "http://localhost:3000/compensation",
} satisfies GrantAwardedEmailProps;

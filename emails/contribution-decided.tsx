import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type ContributionDecidedEmailProps = {
  artistName: string;
  /** The contribution in words, e.g. "2.5 hours of testing on 3 Nov 2026". */
  summary: string;
  outcome: "approved" | "rejected";
  /** What it earns, already formatted (e.g. "$62.50"), when approved. */
  amount: string | null;
  /** Why it was not approved, when rejected. */
  reason: string | null;
  url: string;
};

const HEADINGS: Record<ContributionDecidedEmailProps["outcome"], string> = {
  approved: "Your contribution was approved",
  rejected: "Your contribution was not approved",
};

export function subject(props: ContributionDecidedEmailProps) {
  return `${HEADINGS[props.outcome]}: ${props.summary}`;
}

export default function ContributionDecidedEmail(props: ContributionDecidedEmailProps) {
  return (
    <EmailLayout preview={subject(props)} heading={HEADINGS[props.outcome]}>
      <Text>Hello {props.artistName},</Text>
      {props.outcome === "approved" ? (
        <>
          <Text>
            Thank you: your contribution ({props.summary}) is approved
            {props.amount ? (
              <>
                {" "}
                and earns <strong>{props.amount}</strong>
              </>
            ) : null}
            .
          </Text>
          <Text>
            The amount is added to your balance and paid in the next payout batch. Your statement
            shows it now.
          </Text>
        </>
      ) : (
        <>
          <Text>Your contribution ({props.summary}) was reviewed and not approved.</Text>
          {props.reason ? (
            <Text
              style={{ whiteSpace: "pre-wrap", borderLeft: "3px solid #d6d3d1", paddingLeft: 12 }}
            >
              <strong>Reason:</strong> {props.reason}
            </Text>
          ) : null}
          <Text>
            If you think this is a mistake, please tell the program team. You can also log the
            contribution again with the missing details.
          </Text>
        </>
      )}
      <Button href={props.url} style={buttonStyle}>
        See your contributions
      </Button>
      <Text style={{ fontSize: 13, color: "#4b5563" }}>
        Or paste this address into your browser: <Link href={props.url}>{props.url}</Link>
      </Text>
    </EmailLayout>
  );
}

ContributionDecidedEmail.PreviewProps = {
  artistName: "Ari Artist",
  summary: "2.5 hours of testing on 3 Nov 2026",
  outcome: "approved",
  amount: "$62.50",
  reason: null,
  url: "http://localhost:3000/compensation",
} satisfies ContributionDecidedEmailProps;

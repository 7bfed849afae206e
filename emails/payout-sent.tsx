import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type PayoutSentEmailProps = {
  artistName: string;
  /** Already formatted, e.g. "$187.50". */
  amount: string;
  /** The transfer reference, if the payment has one. */
  reference: string | null;
  /** How many statement items the payout covers. */
  itemCount: number;
  url: string;
};

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function subject(props: PayoutSentEmailProps) {
  return `Your payout of ${props.amount} was sent`;
}

export default function PayoutSentEmail(props: PayoutSentEmailProps) {
  return (
    <EmailLayout preview={subject(props)} heading="Your payout was sent">
      <Text>Hello {props.artistName},</Text>
      <Text>
        We sent you a payout of <strong>{props.amount}</strong>, covering{" "}
        {plural(props.itemCount, "item", "items")} on your statement.
      </Text>
      {props.reference ? (
        <Text>
          <strong>Transfer reference:</strong> {props.reference}
        </Text>
      ) : null}
      <Text>
        Your statement shows the payout and the items it covers. If the money has not arrived within
        5 business days, please tell the program team so we can look into it.
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

PayoutSentEmail.PreviewProps = {
  artistName: "Ari Artist",
  amount: "$187.50",
  reference: "GR-PAY-2026-11-0042",
  itemCount: 3,
  url: "http://localhost:3000/compensation",
} satisfies PayoutSentEmailProps;

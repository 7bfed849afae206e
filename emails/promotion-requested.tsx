import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type PromotionRequestedEmailProps = {
  artistName: string;
  clipTitle: string;
  /** What the program wants to use the clip for, in words. */
  purpose: string;
  /** Already joined, e.g. "Instagram, YouTube". */
  channels: string;
  /** What accepting earns, already formatted, e.g. "$150.00". */
  fee: string;
  url: string;
};

export function subject(props: PromotionRequestedEmailProps) {
  return `May we feature your clip? "${props.clipTitle}"`;
}

export default function PromotionRequestedEmail(props: PromotionRequestedEmailProps) {
  return (
    <EmailLayout preview={subject(props)} heading="May we feature your clip?">
      <Text>Hello {props.artistName},</Text>
      <Text>
        The program would like to use &ldquo;{props.clipTitle}&rdquo; in its own promotion, and asks
        your permission first.
      </Text>
      <Text style={{ borderLeft: "3px solid #d6d3d1", paddingLeft: 12 }}>
        <strong>For:</strong> {props.purpose}
        <br />
        <strong>Where:</strong> {props.channels}
        <br />
        <strong>Fee:</strong> {props.fee}
      </Text>
      <Text>
        We use the clip only if you accept. Accepting earns you {props.fee}, added to your balance.
        You can also decline: nothing changes for you or your submissions if you do.
      </Text>
      <Button href={props.url} style={buttonStyle}>
        Accept or decline
      </Button>
      <Text style={{ fontSize: 13, color: "#4b5563" }}>
        Or paste this address into your browser: <Link href={props.url}>{props.url}</Link>
      </Text>
    </EmailLayout>
  );
}

PromotionRequestedEmail.PreviewProps = {
  artistName: "Ari Artist",
  clipTitle: "Lighthouse spirals",
  purpose: "A 15-second teaser for the spring early-access season",
  channels: "Instagram, YouTube",
  fee: "$150.00",
  url: "http://localhost:3000/compensation/promotions",
} satisfies PromotionRequestedEmailProps;

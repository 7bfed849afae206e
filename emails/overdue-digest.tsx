import { Button, Link, Section, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type OverdueDigestItem = {
  title: string;
  /** The declared use as people read it, e.g. "Commercial". */
  intendedUse: string;
  hoursWaiting: number;
  /** Who is reviewing it right now (a live claim), if anyone. */
  claimedBy: string | null;
  url: string;
};

export type OverdueDigestEmailProps = {
  reviewerName: string;
  /** The oldest overdue submissions, at most MAX_DIGEST_ITEMS of them. */
  items: OverdueDigestItem[];
  /** How many are overdue in all (may be more than are listed). */
  total: number;
  targetHours: number;
  /** The review queue filtered to overdue items. */
  queueUrl: string;
};

export const MAX_DIGEST_ITEMS = 20;

const plural = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`;

export function subject(props: OverdueDigestEmailProps) {
  return `${plural(props.total, "submission is", "submissions are")} waiting longer than ${props.targetHours} hours`;
}

function waited(hours: number) {
  if (hours < 48) return plural(hours, "hour", "hours");
  const days = Math.floor(hours / 24);
  return `${plural(days, "day", "days")} (${hours} hours)`;
}

export default function OverdueDigestEmail(props: OverdueDigestEmailProps) {
  const listed = props.items.slice(0, MAX_DIGEST_ITEMS);
  return (
    <EmailLayout preview={subject(props)} heading="Overdue in the review queue">
      <Text>Hello {props.reviewerName},</Text>
      <Text>
        {plural(props.total, "submission has", "submissions have")} waited longer than the{" "}
        {props.targetHours}-hour review target.{" "}
        {props.total > listed.length
          ? `Here are the ${listed.length} that have waited longest.`
          : "Oldest first:"}
      </Text>
      {listed.map((item) => (
        <Section
          key={item.url}
          style={{ borderLeft: "3px solid #d6d3d1", paddingLeft: 12, margin: "12px 0" }}
        >
          <Text style={{ margin: 0, fontWeight: 600 }}>
            <Link href={item.url}>{item.title}</Link>
          </Text>
          <Text style={{ margin: 0, fontSize: 14, color: "#374151" }}>
            {item.intendedUse} · waiting {waited(item.hoursWaiting)}
            {item.claimedBy ? ` · being reviewed by ${item.claimedBy}` : " · not claimed"}
          </Text>
        </Section>
      ))}
      <Button href={props.queueUrl} style={buttonStyle}>
        Open the overdue queue ({props.total})
      </Button>
      <Text style={{ fontSize: 13, color: "#4b5563" }}>
        Or paste this address into your browser: <Link href={props.queueUrl}>{props.queueUrl}</Link>
      </Text>
      <Text style={{ fontSize: 13, color: "#4b5563" }}>
        You receive this at most once a day while something in the queue is overdue.
      </Text>
    </EmailLayout>
  );
}

OverdueDigestEmail.PreviewProps = {
  reviewerName: "Rae Reviewer",
  items: [
    {
      title: "Night market in the rain",
      intendedUse: "Commercial",
      hoursWaiting: 73,
      claimedBy: null,
      url: "http://localhost:3000/review/preview-1",
    },
    {
      title: "Harbour at dawn",
      intendedUse: "Festival",
      hoursWaiting: 50,
      claimedBy: "Rob Reviewer",
      url: "http://localhost:3000/review/preview-2",
    },
  ],
  total: 2,
  targetHours: 48,
  queueUrl: "http://localhost:3000/review?overdue=1",
} satisfies OverdueDigestEmailProps;

import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type ReviewDecisionEmailProps = {
  artistName: string;
  submissionTitle: string;
  /** What the submission is now: approved, changes requested, rejected, or 1 of 2 approvals. */
  outcome: "approved" | "changes_requested" | "rejected" | "first_approval";
  version: number;
  reasonCategory: string | null;
  note: string | null;
  /** The checklist items the reviewer pointed at as failed (changes requested or rejected). */
  failedItems: string[];
  url: string;
};

const HEADINGS: Record<ReviewDecisionEmailProps["outcome"], string> = {
  approved: "Your submission is approved",
  changes_requested: "Changes requested on your submission",
  rejected: "Your submission was not approved",
  first_approval: "Your submission has 1 of 2 approvals",
};

export function subject(props: ReviewDecisionEmailProps) {
  return `${HEADINGS[props.outcome]}: ${props.submissionTitle}`;
}

export default function ReviewDecisionEmail(props: ReviewDecisionEmailProps) {
  return (
    <EmailLayout preview={subject(props)} heading={HEADINGS[props.outcome]}>
      <Text>Hello {props.artistName},</Text>
      <Text>
        {props.outcome === "approved"
          ? `"${props.submissionTitle}" (version ${props.version}) is approved for the use you declared.`
          : props.outcome === "first_approval"
            ? `"${props.submissionTitle}" (version ${props.version}) has its first approval. Commercial use needs a second one from another reviewer; it stays in review until then.`
            : props.outcome === "changes_requested"
              ? `A reviewer asked for changes to "${props.submissionTitle}" (version ${props.version}). You can resubmit it as the next version.`
              : `A reviewer rejected "${props.submissionTitle}" (version ${props.version}).`}
      </Text>
      {props.reasonCategory ? (
        <Text>
          <strong>Reason:</strong> {props.reasonCategory}
        </Text>
      ) : null}
      {props.failedItems.length > 0 ? (
        <Text>
          <strong>Not met:</strong> {props.failedItems.join("; ")}
        </Text>
      ) : null}
      {props.note ? (
        <Text style={{ whiteSpace: "pre-wrap", borderLeft: "3px solid #d6d3d1", paddingLeft: 12 }}>
          {props.note}
        </Text>
      ) : null}
      <Button href={props.url} style={buttonStyle}>
        See the submission
      </Button>
      <Text style={{ fontSize: 13, color: "#4b5563" }}>
        Or paste this address into your browser: <Link href={props.url}>{props.url}</Link>
      </Text>
    </EmailLayout>
  );
}

ReviewDecisionEmail.PreviewProps = {
  artistName: "Ari Artist",
  submissionTitle: "Night market in the rain",
  outcome: "changes_requested",
  version: 1,
  reasonCategory: "Third-party marks or logos",
  failedItems: ["No third-party logos or trademarks"],
  note: "The shop sign at 0:03 shows a real brand. Please change it and resubmit.",
  url: "http://localhost:3000/submissions/preview",
} satisfies ReviewDecisionEmailProps;

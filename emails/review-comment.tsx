import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type ReviewCommentEmailProps = {
  artistName: string;
  submissionTitle: string;
  reviewerName: string;
  /** The moment in the clip, already formatted (m:ss.s). */
  at: string;
  body: string;
  url: string;
};

export function subject(props: ReviewCommentEmailProps) {
  return `New comment at ${props.at} on "${props.submissionTitle}"`;
}

export default function ReviewCommentEmail(props: ReviewCommentEmailProps) {
  return (
    <EmailLayout preview={subject(props)} heading="A reviewer commented on your clip">
      <Text>Hello {props.artistName},</Text>
      <Text>
        {props.reviewerName} left a comment at {props.at} in &quot;{props.submissionTitle}&quot;:
      </Text>
      <Text style={{ whiteSpace: "pre-wrap", borderLeft: "3px solid #d6d3d1", paddingLeft: 12 }}>
        {props.body}
      </Text>
      <Button href={props.url} style={buttonStyle}>
        See it at its moment in the clip
      </Button>
      <Text style={{ fontSize: 13, color: "#4b5563" }}>
        Or paste this address into your browser: <Link href={props.url}>{props.url}</Link>
      </Text>
    </EmailLayout>
  );
}

ReviewCommentEmail.PreviewProps = {
  artistName: "Ari Artist",
  submissionTitle: "Night market in the rain",
  reviewerName: "Rae Reviewer",
  at: "0:03.2",
  body: "The shop sign here shows a real brand.",
  url: "http://localhost:3000/submissions/preview",
} satisfies ReviewCommentEmailProps;

import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type ReviewCommentEmailProps = {
  artistName: string;
  submissionTitle: string;
  reviewerName: string;
  /** The frame or range in the clip, already formatted ("00:00:03:05" or "…–…"). */
  at: string;
  /** The comment has a drawing on the frame (it shows only in the player). */
  hasDrawing: boolean;
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
        {props.reviewerName} left a comment at {props.at} in &quot;{props.submissionTitle}&quot;
        {props.hasDrawing ? ", with a drawing on the frame" : ""}:
      </Text>
      <Text style={{ whiteSpace: "pre-wrap", borderLeft: "3px solid #d6d3d1", paddingLeft: 12 }}>
        {props.body}
      </Text>
      <Button href={props.url} style={buttonStyle}>
        See it on its frame in the clip
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
  at: "00:00:03:05",
  hasDrawing: true,
  body: "The shop sign here shows a real brand.",
  url: "http://localhost:3000/submissions/preview",
} satisfies ReviewCommentEmailProps;

import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type ReviewReplyEmailProps = {
  /** The recipient's name (the artist, or a reviewer in the thread). */
  artistName: string;
  submissionTitle: string;
  /** Who replied: the artist's name, or a reviewer's ("A reviewer" without one). */
  authorName: string;
  /** Where the thread's comment is in the clip ("00:00:03:05" or a range). */
  at: string;
  /** The first words of the comment the thread is about. */
  comment: string;
  body: string;
  url: string;
};

export function subject(props: ReviewReplyEmailProps) {
  return `${props.authorName} replied at ${props.at} on "${props.submissionTitle}"`;
}

export default function ReviewReplyEmail(props: ReviewReplyEmailProps) {
  return (
    <EmailLayout preview={subject(props)} heading="A reply in a review thread">
      <Text>Hello {props.artistName},</Text>
      <Text>
        {props.authorName} replied in the thread at {props.at} in &quot;{props.submissionTitle}
        &quot;, about: <em>{props.comment}</em>
      </Text>
      <Text style={{ whiteSpace: "pre-wrap", borderLeft: "3px solid #d6d3d1", paddingLeft: 12 }}>
        {props.body}
      </Text>
      <Button href={props.url} style={buttonStyle}>
        See the thread
      </Button>
      <Text style={{ fontSize: 13, color: "#4b5563" }}>
        Or paste this address into your browser: <Link href={props.url}>{props.url}</Link>
      </Text>
    </EmailLayout>
  );
}

ReviewReplyEmail.PreviewProps = {
  artistName: "Ari Artist",
  submissionTitle: "Night market in the rain",
  authorName: "Rae Reviewer",
  at: "00:00:03:05–00:00:04:00",
  comment: "The shop sign here shows a real brand.",
  body: "Blank is perfect, thank you. The second sign can stay.",
  url: "http://localhost:3000/submissions/preview",
} satisfies ReviewReplyEmailProps;

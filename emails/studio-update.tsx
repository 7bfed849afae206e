import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

// The studio loop's emails (issue 19): a clip is ready or failed, an artist asks for more seconds,
// an admin answers. Short, one button each.
export type StudioUpdateEmailProps = {
  artistName: string;
  /** The subject and the heading, e.g. "Your clip is ready". */
  heading: string;
  /** The paragraphs, in order. */
  lines: string[];
  /** The button's words. */
  action: string;
  url: string;
};

export function subject(props: StudioUpdateEmailProps) {
  return props.heading;
}

export default function StudioUpdateEmail(props: StudioUpdateEmailProps) {
  return (
    <EmailLayout preview={subject(props)} heading={props.heading}>
      <Text>Hello {props.artistName},</Text>
      {props.lines.map((line, i) => (
        <Text key={i}>{line}</Text>
      ))}
      <Button href={props.url} style={buttonStyle}>
        {props.action}
      </Button>
      <Text style={{ fontSize: 13, color: "#4b5563" }}>
        Or paste this address into your browser: <Link href={props.url}>{props.url}</Link>
      </Text>
    </EmailLayout>
  );
}

StudioUpdateEmail.PreviewProps = {
  artistName: "Ari Artist",
  heading: "Your clip failed",
  lines: [
    "“A lighthouse keeper's cat watching a storm” could not be made: the model timed out.",
    "Its seconds were returned. You can try again with the same settings from the studio.",
  ],
  action: "Open the studio",
  url: "http://localhost:3000/studio",
} satisfies StudioUpdateEmailProps;

import { Button, Link, Text } from "@react-email/components";
import { buttonStyle, EmailLayout } from "./_components/layout";

export type RightsDecisionEmailProps = {
  artistName: string;
  submissionTitle: string;
  outcome: "granted" | "denied" | "revoked";
  /** The license code, when granted or revoked. */
  code: string | null;
  /** The terms as granted, in words. */
  terms: string | null;
  reason: string | null;
  /** The public verification page, when there is a license. */
  verifyUrl: string | null;
  url: string;
};

const HEADINGS: Record<RightsDecisionEmailProps["outcome"], string> = {
  granted: "Your publishing rights are granted",
  denied: "Your rights request was not granted",
  revoked: "A license of yours was revoked",
};

export function subject(props: RightsDecisionEmailProps) {
  return `${HEADINGS[props.outcome]}: ${props.submissionTitle}`;
}

export default function RightsDecisionEmail(props: RightsDecisionEmailProps) {
  return (
    <EmailLayout preview={subject(props)} heading={HEADINGS[props.outcome]}>
      <Text>Hello {props.artistName},</Text>
      <Text>
        {props.outcome === "granted"
          ? `You may publish "${props.submissionTitle}" under license ${props.code}.`
          : props.outcome === "denied"
            ? `Your request to publish "${props.submissionTitle}" was not granted.`
            : `License ${props.code} for "${props.submissionTitle}" is revoked: please take the clip down where it is published under it.`}
      </Text>
      {props.terms ? (
        <Text style={{ borderLeft: "3px solid #d6d3d1", paddingLeft: 12 }}>{props.terms}</Text>
      ) : null}
      {props.reason ? (
        <Text>
          <strong>Reason:</strong> {props.reason}
        </Text>
      ) : null}
      {props.verifyUrl ? (
        <Text>
          Anyone can check it at <Link href={props.verifyUrl}>{props.verifyUrl}</Link>.
        </Text>
      ) : null}
      <Button href={props.url} style={buttonStyle}>
        See your rights
      </Button>
    </EmailLayout>
  );
}

RightsDecisionEmail.PreviewProps = {
  artistName: "Ari Artist",
  submissionTitle: "Lighthouse spirals",
  outcome: "granted",
  code: "GR-7K2M-Q9XD",
  terms: "Instagram, Vimeo · non-commercial · worldwide · from 1 Dec 2026, perpetual",
  reason: null,
  verifyUrl: "http://localhost:3000/verify/GR-7K2M-Q9XD",
  url: "http://localhost:3000/rights",
} satisfies RightsDecisionEmailProps;

import { Link, Text } from "@react-email/components";
import { EmailLayout } from "./_components/layout";

export type AccountSuspendedEmailProps = {
  artistName: string;
  reason: string;
  /** True when the anomaly scan suspended the account itself, not an admin. */
  automatic: boolean;
  /** Queued or running generations that were cancelled, their seconds given back. */
  jobsCanceled: number;
  /** The portal's address, so the person knows which program this is about (when known). */
  url: string | null;
};

export function subject(_props: AccountSuspendedEmailProps) {
  return "Your Greenroom account is suspended";
}

export default function AccountSuspendedEmail(props: AccountSuspendedEmailProps) {
  return (
    <EmailLayout preview={subject(props)} heading="Your account is suspended">
      <Text>Hello {props.artistName},</Text>
      <Text>
        {props.automatic
          ? "Greenroom suspended your account automatically because of unusual use: it looked as if your access was being used by others."
          : "The program team suspended your Greenroom account."}{" "}
        You have been signed out everywhere and cannot sign in until the account is reactivated.
      </Text>
      <Text style={{ borderLeft: "3px solid #d6d3d1", paddingLeft: 12 }}>
        <strong>Reason:</strong> {props.reason}
      </Text>
      {props.jobsCanceled > 0 ? (
        <Text>
          {props.jobsCanceled === 1
            ? "One generation that was waiting or rendering was cancelled"
            : `${props.jobsCanceled} generations that were waiting or rendering were cancelled`}
          , and their seconds were returned to your quota. Your finished clips, submissions and
          earnings are kept.
        </Text>
      ) : (
        <Text>Your clips, submissions and earnings are kept.</Text>
      )}
      <Text>
        If you think this is a mistake, or someone else used your password, reply to the program
        team that invited you. Access is shared only by invitation, one person per account.
      </Text>
      {props.url ? (
        <Text style={{ fontSize: 13, color: "#4b5563" }}>
          Greenroom: <Link href={props.url}>{props.url}</Link>
        </Text>
      ) : null}
    </EmailLayout>
  );
}

AccountSuspendedEmail.PreviewProps = {
  artistName: "Jonas Berg",
  reason: "Used from 30 addresses within an hour (the limit is 8): the access looks shared.",
  automatic: true,
  jobsCanceled: 2,
  url: "http://localhost:3000",
} satisfies AccountSuspendedEmailProps;

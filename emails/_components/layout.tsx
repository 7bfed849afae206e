import {
  Body,
  Container,
  Head,
  Heading,
  Hr,
  Html,
  Preview,
  Section,
  Text,
} from "@react-email/components";
import type { ReactNode } from "react";

export function EmailLayout(props: { preview: string; heading: string; children: ReactNode }) {
  return (
    <Html lang="en">
      <Head />
      <Preview>{props.preview}</Preview>
      <Body
        style={{
          backgroundColor: "#f4f4f0",
          fontFamily: "Helvetica, Arial, sans-serif",
          margin: 0,
        }}
      >
        <Container
          style={{
            maxWidth: 560,
            margin: "32px auto",
            backgroundColor: "#ffffff",
            padding: 32,
            borderRadius: 8,
          }}
        >
          <Text style={{ color: "#166534", fontWeight: 700, letterSpacing: 1, margin: 0 }}>
            GREENROOM
          </Text>
          <Heading as="h1" style={{ fontSize: 22, color: "#111827", margin: "16px 0" }}>
            {props.heading}
          </Heading>
          <Section>{props.children}</Section>
          <Hr style={{ borderColor: "#e5e7eb", margin: "24px 0" }} />
          <Text style={{ color: "#6b7280", fontSize: 12 }}>
            Greenroom runs the artist early-access program. You received this email because of an
            action on your account; if it was not expected, you can ignore it.
          </Text>
        </Container>
      </Body>
    </Html>
  );
}

export const buttonStyle = {
  backgroundColor: "#166534",
  color: "#ffffff",
  padding: "12px 20px",
  borderRadius: 6,
  textDecoration: "none",
  fontWeight: 600,
  display: "inline-block",
} as const;

import { createElement, type ReactNode } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it, vi } from "vitest";
import type * as RemixReact from "@remix-run/react";

// The rights request form as the server sends it, before any script runs: the countries are a
// plain multi-select posting `countries` (the combobox takes over after hydration), sorted by
// name, and the term's first day says today in the pages' format.

vi.mock("@remix-run/react", async (importOriginal) => {
  const actual = await importOriginal<typeof RemixReact>();
  return {
    ...actual,
    useLoaderData: () => ({
      requestable: [{ id: "s1", title: "Lighthouse spirals", intendedUse: "portfolio" }],
      selected: null,
      today: "2026-11-03",
      trusted: false,
      requestKey: "k",
    }),
    useActionData: () => undefined,
    useNavigation: () => ({ state: "idle" }),
    Form: (props: Record<string, unknown> & { children?: ReactNode }) =>
      createElement("form", props),
  };
});

const { RequestForm } = await import("~/routes/rights._index/request-form");

describe("the rights request form without JavaScript", () => {
  it("offers the countries as a multi-select under `countries`, by name, beside the territory", () => {
    const html = renderToString(createElement(RequestForm));
    expect(html).toMatch(/<select[^>]*name="countries"[^>]*multiple/);
    expect(html).not.toContain('role="combobox"');
    expect(html.indexOf(">Afghanistan<")).toBeLessThan(html.indexOf(">Japan<"));
    expect(html.indexOf(">Jamaica<")).toBeLessThan(html.indexOf(">Japan<"));
    expect(html).toContain("Hold Ctrl (or ⌘) to choose several.");
    expect(html).toContain("Chosen: 3 Nov 2026.");
  });
});

import { createElement } from "react";
import { renderToString } from "react-dom/server";
import { describe, expect, it } from "vitest";
import { MultiCombobox } from "~/components/ui/combobox";
import { filterOptions, sortByLabel } from "~/lib/combobox";
import { COUNTRIES, COUNTRY_OPTIONS } from "~/lib/rights";

// The country picker's pure part (what a typed query lists, in what order) and what the server
// renders before hydration: a plain multi-select posting the same field, so the form works
// without JavaScript. Typing, arrows, Enter and the chips are driven in tests/e2e/rights.spec.ts.

const labels = (options: { label: string }[]) => options.map((o) => o.label);

describe("the country options", () => {
  it("list every ISO code once, sorted by name, not by code", () => {
    expect(COUNTRY_OPTIONS).toHaveLength(COUNTRIES.length);
    expect(new Set(COUNTRY_OPTIONS.map((o) => o.value))).toEqual(new Set(COUNTRIES));
    const names = labels(COUNTRY_OPTIONS);
    expect(names[0]).toBe("Afghanistan");
    expect(names.indexOf("Germany")).toBeLessThan(names.indexOf("Japan"));
    // By name, not by code: Jamaica (JM) comes before Japan (JP), and Germany (DE) after Denmark (DK).
    expect(names.indexOf("Denmark")).toBeLessThan(names.indexOf("Germany"));
    expect(names.indexOf("Jamaica")).toBeLessThan(names.indexOf("Japan"));
    // Accents sort as their letter: "Åland Islands" is among the A's, not after "Zimbabwe".
    expect(names.indexOf("Åland Islands")).toBeLessThan(names.indexOf("Albania"));
    expect(names.at(-1)).toBe("Zimbabwe");
  });

  it("sortByLabel keeps equal names stable and ignores case", () => {
    expect(
      labels(
        sortByLabel([
          { value: "b", label: "beta" },
          { value: "a", label: "Alpha" },
        ]),
      ),
    ).toEqual(["Alpha", "beta"]);
  });
});

describe("filterOptions", () => {
  it('"Jap" finds Japan first', () => {
    expect(labels(filterOptions(COUNTRY_OPTIONS, "Jap"))).toEqual(["Japan"]);
    expect(filterOptions(COUNTRY_OPTIONS, "  jAP ")[0]?.value).toBe("JP");
  });

  it("names that start with the query come before names with a word that does, then the rest", () => {
    const found = labels(filterOptions(COUNTRY_OPTIONS, "guinea"));
    expect(found[0]).toBe("Guinea");
    expect(found).toContain("Guinea-Bissau");
    expect(found).toContain("Equatorial Guinea");
    expect(found).toContain("Papua New Guinea");
    expect(found.indexOf("Guinea-Bissau")).toBeLessThan(found.indexOf("Equatorial Guinea"));
    // A match inside a word comes last.
    expect(labels(filterOptions(COUNTRY_OPTIONS, "land")).at(-1)).not.toBe("Land");
  });

  it("ignores accents and finds a country by its two-letter code", () => {
    expect(labels(filterOptions(COUNTRY_OPTIONS, "aland"))).toContain("Åland Islands");
    expect(labels(filterOptions(COUNTRY_OPTIONS, "cote"))).toContain("Côte d’Ivoire");
    expect(filterOptions(COUNTRY_OPTIONS, "gb").map((o) => o.value)).toContain("GB");
  });

  it("leaves out what is chosen, lists everything for an empty query and nothing for nonsense", () => {
    expect(filterOptions(COUNTRY_OPTIONS, "Jap", ["JP"])).toEqual([]);
    expect(filterOptions(COUNTRY_OPTIONS, "")).toHaveLength(COUNTRIES.length);
    expect(filterOptions(COUNTRY_OPTIONS, "", ["JP", "FR"])).toHaveLength(COUNTRIES.length - 2);
    expect(filterOptions(COUNTRY_OPTIONS, "qqq")).toEqual([]);
  });
});

describe("MultiCombobox before hydration", () => {
  it("is a labelled multi-select under the same name, with the chosen values selected", () => {
    const html = renderToString(
      createElement(MultiCombobox, {
        name: "countries",
        label: "Countries",
        options: COUNTRY_OPTIONS,
        defaultValue: ["JP"],
        error: "Choose countries from the list.",
      }),
    );
    expect(html).toMatch(/<select[^>]*name="countries"[^>]*multiple/);
    expect(html).toMatch(/<option value="JP" selected="">Japan<\/option>/);
    expect(html).toMatch(/<label for="([^"]+)"[^>]*>Countries<\/label><select[^>]*id="\1"/);
    expect(html).toContain("Hold Ctrl (or ⌘) to choose several.");
    expect(html).toMatch(/aria-invalid="true"/);
    expect(html).toContain("Choose countries from the list.");
    // In name order, as the combobox lists them.
    expect(html.indexOf(">Afghanistan<")).toBeLessThan(html.indexOf(">Japan<"));
    expect(html.indexOf(">Japan<")).toBeLessThan(html.indexOf(">Zimbabwe<"));
  });
});

import { compareText } from "../../modules/core/order";

/** The ends and middle of each class of the plain alphabet: letters, digits and the three punctuation marks. */
const ALPHABET = "abmyz0159./-";
/** Every string of up to two characters of it (157 strings, 24,649 ordered pairs). */
const SHORT = [""];
for (const a of ALPHABET) {
  SHORT.push(a);
  for (const b of ALPHABET) SHORT.push(a + b);
}

describe("compareText (localeCompare without the ICU collator for plain names)", () => {
  it("GIVEN every pair of short lowercase/digit/./-/ strings WHEN compared THEN the sign equals localeCompare's", () => {
    let differences = 0;
    for (const a of SHORT)
      for (const b of SHORT) if (Math.sign(compareText(a, b)) !== Math.sign(a.localeCompare(b))) differences++;
    expect(differences).toBe(0);
  });

  it("GIVEN names, bucket names and CIDRs as the stacks sort them WHEN sorted THEN the order is localeCompare's", () => {
    const values = [
      "prod",
      "prod-eu",
      "prod2",
      "dev",
      "bench-tfstate-100000000099",
      "bench-tfstate-100000000100",
      "10.0.0.0/8",
      "10.0.0.0/16",
      "10.20.0.0/16",
      "100.64.0.0/16",
      "192.168.1.0/24",
      "inbound",
      "outbound",
    ];
    expect([...values].sort(compareText)).toEqual([...values].sort((a, b) => a.localeCompare(b)));
  });

  it("GIVEN strings outside the plain alphabet (upper case, underscore, space, accents) THEN localeCompare decides", () => {
    // Code-unit order would put "B" before "a", "Z" before "_" and "é" after "f": collation does not.
    expect(Math.sign(compareText("a", "B"))).toBe(Math.sign("a".localeCompare("B")));
    expect(Math.sign(compareText("a", "B"))).toBe(-1);
    expect(Math.sign(compareText("a_b", "a-b"))).toBe(Math.sign("a_b".localeCompare("a-b")));
    expect(Math.sign(compareText("é", "f"))).toBe(-1);
    expect(Math.sign(compareText("a b", "a-b"))).toBe(Math.sign("a b".localeCompare("a-b")));
  });

  it("GIVEN equal strings THEN 0", () => {
    expect(compareText("dev", "dev")).toBe(0);
    expect(compareText("Dev", "Dev")).toBe(0);
  });
});

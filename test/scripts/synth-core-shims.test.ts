/**
 * synth/synth-core-shims.js stands in for Node's crypto and assert inside the synth bundle (synth/launcher.js): the
 * core's logical ids are an MD5 of the construct path, so a wrong digest would rename every resource in every
 * stack. Each stand-in must answer exactly as the module it replaces.
 */
import * as assert from "assert";
import * as crypto from "crypto";

interface Hash {
  update(data: string | Buffer, encoding?: BufferEncoding): Hash;
  digest(encoding?: "hex" | "base64"): string | Buffer;
}
interface Shims {
  md5Hex(bytes: Uint8Array): string;
  crypto: { createHash(algorithm: string, options?: object): Hash; randomBytes(n: number): Buffer };
  assert: ((value: unknown, message?: string) => void) & { ok(value: unknown, message?: string): void };
}
// eslint-disable-next-line @typescript-eslint/no-require-imports -- plain CommonJS, bundled by the launcher
const shims = require("../../synth/synth-core-shims.js") as Shims;

const md5 = (text: string) => crypto.createHash("md5").update(text).digest("hex");

/** Texts of every length around MD5's block and padding boundaries, in one- to four-byte UTF-8 characters. */
function texts(): string[] {
  const out: string[] = [];
  for (const unit of ["a", "é", "ह", "😀", "\u0000"]) for (let n = 0; n <= 140; n++) out.push(unit.repeat(n));
  out.push("staging/Network/main/Endpoints/Interface/ssmmessages", "x".repeat(100_000));
  return out;
}

describe("the synth bundle's stand-ins for Node modules", () => {
  test("GIVEN texts of every length around the 55/56/64-byte boundaries, in 1- to 4-byte characters THEN the MD5 is Node's", () => {
    const wrong = texts().filter(
      (t) =>
        shims.crypto.createHash("md5").update(t).digest("hex") !== md5(t) || shims.md5Hex(Buffer.from(t)) !== md5(t),
    );
    expect(wrong).toEqual([]);
  });

  test("GIVEN several updates THEN the digest is that of the joined text, as Node's", () => {
    expect(shims.crypto.createHash("md5").update("stack/").update("Resource").digest("hex")).toBe(
      md5("stack/Resource"),
    );
  });

  test("GIVEN anything but texts digested to hex THEN Node's crypto answers (another algorithm, bytes, encoding)", () => {
    expect(shims.crypto.createHash("sha1").update("x").digest("hex")).toBe(
      crypto.createHash("sha1").update("x").digest("hex"),
    );
    expect(
      shims.crypto
        .createHash("md5")
        .update(Buffer.from([0xff, 0x00]))
        .digest("hex"),
    ).toBe(
      crypto
        .createHash("md5")
        .update(Buffer.from([0xff, 0x00]))
        .digest("hex"),
    );
    expect(shims.crypto.createHash("md5").update("6869", "hex").digest("hex")).toBe(md5("hi"));
    expect(shims.crypto.createHash("md5").update("x").digest("base64")).toBe(
      crypto.createHash("md5").update("x").digest("base64"),
    );
    expect(shims.crypto.createHash("md5").update("x").digest()).toEqual(crypto.createHash("md5").update("x").digest());
    expect(shims.crypto.randomBytes(4)).toHaveLength(4);
  });

  test("GIVEN a true condition THEN assert returns; GIVEN a false one THEN Node's AssertionError with the message", () => {
    expect(() => shims.assert(true, "unused")).not.toThrow();
    expect(() => shims.assert.ok(1, "unused")).not.toThrow();
    for (const check of [shims.assert, shims.assert.ok]) {
      let thrown: unknown;
      try {
        check(false, "forEach and count are both set");
      } catch (e) {
        thrown = e;
      }
      expect(thrown).toBeInstanceOf(assert.AssertionError);
      expect(thrown).toMatchObject({ message: "forEach and count are both set", code: "ERR_ASSERTION" });
    }
    expect(() => (shims.assert as unknown as () => void)()).toThrow(assert.AssertionError); // no argument: Node's rule
  });
});

// Stand-ins that synth/launcher.js bundles in place of Node modules the CDK core requires at load time, so that a
// synth does not load them (crypto, assert and what they pull in cost the examples' synth about 12 ms of its
// 0.45 s). Each behaves exactly as the module it replaces does for the calls the core makes, and hands anything
// else to the real module, loaded then.
// - `crypto`: the core's logical ids are an MD5 of the construct path (cdktf/lib/private/unique.js), about 200 per
//   synth of the examples: a text hashed to hex is computed here; every other use goes to Node's crypto.
// - `assert`: the core asserts invariants of every element (`assert(cond, message)`, `assert.ok`); a true
//   condition returns, a false one is handed to Node's assert, which throws its own AssertionError.
"use strict";

// RFC 1321: the per-round shift amounts and the constants floor(abs(sin(i + 1)) * 2^32)
const SHIFT = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = Int32Array.from([
  0xd76aa478, 0xe8c7b756, 0x242070db, 0xc1bdceee, 0xf57c0faf, 0x4787c62a, 0xa8304613, 0xfd469501, 0x698098d8,
  0x8b44f7af, 0xffff5bb1, 0x895cd7be, 0x6b901122, 0xfd987193, 0xa679438e, 0x49b40821, 0xf61e2562, 0xc040b340,
  0x265e5a51, 0xe9b6c7aa, 0xd62f105d, 0x02441453, 0xd8a1e681, 0xe7d3fbc8, 0x21e1cde6, 0xc33707d6, 0xf4d50d87,
  0x455a14ed, 0xa9e3e905, 0xfcefa3f8, 0x676f02d9, 0x8d2a4c8a, 0xfffa3942, 0x8771f681, 0x6d9d6122, 0xfde5380c,
  0xa4beea44, 0x4bdecfa9, 0xf6bb4b60, 0xbebfbc70, 0x289b7ec6, 0xeaa127fa, 0xd4ef3085, 0x04881d05, 0xd9d4d039,
  0xe6db99e5, 0x1fa27cf8, 0xc4ac5665, 0xf4292244, 0x432aff97, 0xab9423a7, 0xfc93a039, 0x655b59c3, 0x8f0ccc92,
  0xffeff47d, 0x85845dd1, 0x6fa87e4f, 0xfe2ce6e0, 0xa3014314, 0x4e0811a1, 0xf7537e82, 0xbd3af235, 0x2ad7d2bb,
  0xeb86d391,
]);

/** The MD5 digest of `bytes`, as 32 lowercase hex digits. */
function md5Hex(bytes) {
  const n = bytes.length;
  const blocks = Math.floor((n + 8) / 64) + 1; // the message, a 0x80 byte and the 8-byte length, in 64-byte blocks
  const m = new Int32Array(blocks * 16);
  for (let i = 0; i < n; i++) m[i >> 2] |= bytes[i] << ((i & 3) * 8);
  m[n >> 2] |= 0x80 << ((n & 3) * 8);
  m[blocks * 16 - 2] = (n * 8) | 0; // the length in bits, little-endian: low word
  m[blocks * 16 - 1] = Math.floor(n / 0x20000000); // high word
  const state = Int32Array.from([0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476]);
  for (let off = 0; off < m.length; off += 16) {
    let a = state[0];
    let b = state[1];
    let c = state[2];
    let d = state[3];
    for (let i = 0; i < 64; i++) {
      let f, g;
      if (i < 16) {
        f = (b & c) | (~b & d);
        g = i;
      } else if (i < 32) {
        f = (d & b) | (~d & c);
        g = (5 * i + 1) & 15;
      } else if (i < 48) {
        f = b ^ c ^ d;
        g = (3 * i + 5) & 15;
      } else {
        f = c ^ (b | ~d);
        g = (7 * i) & 15;
      }
      f = (f + a + K[i] + m[off + g]) | 0;
      const s = SHIFT[(i >> 4) * 4 + (i & 3)];
      a = d;
      d = c;
      c = b;
      b = (b + ((f << s) | (f >>> (32 - s)))) | 0;
    }
    state[0] += a;
    state[1] += b;
    state[2] += c;
    state[3] += d;
  }
  return Buffer.from(state.buffer).toString("hex"); // each word little-endian, as MD5 writes its digest
}

/** `crypto.createHash`: MD5 of texts digested to hex is computed here, everything else by Node's crypto. */
function createHash(algorithm, options) {
  if (algorithm !== "md5" || options !== undefined) return require("crypto").createHash(algorithm, options);
  const parts = [];
  return {
    update(data, encoding) {
      parts.push([data, encoding]);
      return this;
    },
    digest(encoding) {
      if (encoding === "hex" && parts.every(([data, enc]) => typeof data === "string" && enc === undefined))
        return md5Hex(Buffer.from(parts.map(([data]) => data).join(""), "utf8"));
      const real = require("crypto").createHash("md5");
      for (const [data, enc] of parts) real.update(data, enc);
      return real.digest(encoding);
    },
  };
}

const crypto = new Proxy({}, { get: (_, name) => (name === "createHash" ? createHash : require("crypto")[name]) });

/** `assert` and `assert.ok`: a true condition returns at once; anything else is Node's assert's to judge. */
function assert(...args) {
  if (args.length > 0 && args[0]) return;
  require("assert")(...args);
}
assert.ok = assert;

module.exports = { crypto, assert, md5Hex };

import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { fromBase64, fromHex, sha256, sha256Wasm, toBase64, toHex, epochOutputHash } from "../src/digest.js";
import { runEncoded } from "../src/epoch.js";
import { encodeEpoch } from "../src/validate.js";
import { instantiate } from "../src/wasm.js";

// Deterministic pseudo-random bytes.
function bytes(len: number, seed: number): Uint8Array {
  const b = new Uint8Array(len);
  let x = seed >>> 0 || 1;
  for (let i = 0; i < len; i++) {
    x ^= x << 13; x ^= x >>> 17; x ^= x << 5; x >>>= 0;
    b[i] = x & 255;
  }
  return b;
}

describe("SHA-256 in WASM", () => {
  const w = instantiate();
  it("matches known vectors", () => {
    for (const f of [sha256, sha256Wasm]) {
      expect(toHex(f(w, new Uint8Array(0)))).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
      expect(toHex(f(w, new TextEncoder().encode("abc")))).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
    }
  });
  it("matches node:crypto for every length 0..300 and for split updates", () => {
    for (let len = 0; len <= 300; len++) {
      const a = bytes(len, len + 1), b = bytes((len * 7) % 97, len + 1000);
      const want = createHash("sha256").update(a).update(b).digest("hex");
      expect(toHex(sha256Wasm(w, a, b))).toBe(want);
      expect(toHex(sha256(w, a, b))).toBe(want);
    }
  });
});

describe("epoch output hash", () => {
  const fx = (name: string) => JSON.parse(readFileSync(join(__dirname, "fixtures", "epoch", name), "utf8"));
  it("does not depend on what the instance computed before (regression: heap overlapping static data)", () => {
    const a = fx("rand-n64-yuma3-liquid-bp1.json"), b = fx("tiny-n4-self-weights.json");
    const ea = encodeEpoch(a.params, a.inputs), eb = encodeEpoch(b.params, b.inputs);
    const fresh = instantiate();
    const h1 = toHex(epochOutputHash(fresh, runEncoded(fresh, eb, false), 5, 1));
    // The WASM and the native hashing paths agree.
    expect(toHex(epochOutputHash(fresh, runEncoded(fresh, eb, false), 5, 1, false))).toBe(h1);
    const used = instantiate();
    runEncoded(used, ea, false);
    runEncoded(used, ea, true);
    const h2 = toHex(epochOutputHash(used, runEncoded(used, eb, false), 5, 1));
    expect(h2).toBe(h1);
    // And equals an independent hash of the documented byte layout.
    const r = runEncoded(fresh, eb, false);
    const head = new DataView(new ArrayBuffer(10));
    head.setBigUint64(0, 5n, true);
    head.setUint16(8, 1, true);
    const h = createHash("sha256").update(new Uint8Array(head.buffer));
    const u8 = (a: ArrayBufferView) => new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
    for (const part of [r.active, r.stakeWeight, r.consensus, r.incentive, r.dividends, r.validatorTrust, r.newValidatorPermit,
      r.serverEmission, r.validatorEmission, r.emission, r.bonds.start, r.bonds.col, r.bonds.val]) h.update(u8(part));
    expect(h1).toBe(h.digest("hex"));
  });
});

describe("hex and base64 helpers", () => {
  it("round-trip and agree with Buffer", () => {
    for (let len = 0; len < 70; len++) {
      const b = bytes(len, 99 + len);
      expect(toBase64(b)).toBe(Buffer.from(b).toString("base64"));
      expect(Array.from(fromBase64(toBase64(b)))).toEqual(Array.from(b));
      expect(toHex(b)).toBe(Buffer.from(b).toString("hex"));
      expect(Array.from(fromHex(toHex(b)))).toEqual(Array.from(b));
    }
    expect(() => fromHex("zz")).toThrow(TypeError);
    expect(() => fromBase64("a*==")).toThrow(TypeError);
  });
});

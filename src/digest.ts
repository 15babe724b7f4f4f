// SHA-256 through the WASM module (same bytes in Node and browsers), the per-epoch output
// hash of the network digest, and dependency-free hex/base64 helpers.

import { OUTPUT } from "./layout.js";
import type { RawEpochOutputs } from "./epoch.js";
import type { YumaExports } from "./wasm.js";

interface Hasher {
  update(b: Uint8Array): Hasher;
  digest(): Uint8Array;
}
/** Node's native SHA-256 when the runtime offers it synchronously (Node ≥ 20.16): same bytes,
 *  several times faster than the WASM fallback used elsewhere (browsers, older Node). */
const native: { createHash(alg: "sha256"): Hasher } | undefined = (
  globalThis as { process?: { getBuiltinModule?: (id: string) => unknown } }
).process?.getBuiltinModule?.("node:crypto") as { createHash(alg: "sha256"): Hasher } | undefined;

/** Hash memory ranges of the instance, natively when possible. */
function hashRanges(wasm: YumaExports, ranges: Array<[number, number]>, useNative: boolean): Uint8Array {
  if (native && useNative) {
    const h = native.createHash("sha256");
    const buf = wasm.memory.buffer;
    for (const [ptr, len] of ranges) h.update(new Uint8Array(buf, ptr, len));
    return new Uint8Array(h.digest());
  }
  wasm.sha256Init();
  for (const [ptr, len] of ranges) wasm.sha256Update(ptr, len);
  const out = wasm.sha256Final();
  return new Uint8Array(wasm.memory.buffer, out, 32).slice();
}

/** SHA-256 of byte strings, concatenated (always through WASM: the portable path, tested against node:crypto). */
export function sha256Wasm(wasm: YumaExports, ...parts: Uint8Array[]): Uint8Array {
  return sha256With(wasm, parts, false);
}

/** SHA-256 of byte strings, concatenated. */
export function sha256(wasm: YumaExports, ...parts: Uint8Array[]): Uint8Array {
  return sha256With(wasm, parts, true);
}

function sha256With(wasm: YumaExports, parts: Uint8Array[], useNative: boolean): Uint8Array {
  const total = parts.reduce((a, p) => a + p.length, 0);
  wasm.reset();
  const ptr = wasm.alloc(total);
  let at = ptr;
  const mem = new Uint8Array(wasm.memory.buffer);
  for (const p of parts) {
    mem.set(p, at);
    at += p.length;
  }
  return hashRanges(wasm, [[ptr, total]], useNative);
}

/**
 * Hash of one epoch's outputs, read where the epoch left them in WASM memory (so it must be
 * called before the instance's next call): block (u64 LE) ‖ netuid (u16 LE) ‖ active ‖
 * stakeWeight ‖ consensus ‖ incentive ‖ dividends ‖ validatorTrust ‖ newValidatorPermit ‖
 * serverEmission ‖ validatorEmission ‖ emission ‖ bonds (row offsets ‖ uids ‖ values).
 */
export function epochOutputHash(
  wasm: YumaExports, raw: RawEpochOutputs, block: number, netuid: number, useNative = true,
): Uint8Array {
  return epochOutputHashAt(wasm, raw.ptr, raw.n, block, netuid, useNative);
}

/** `epochOutputHash` from the output block pointer (nothing copied out of WASM first). */
export function epochOutputHashAt(
  wasm: YumaExports, outPtr: number, n: number, block: number, netuid: number, useNative = true,
): Uint8Array {
  const head = wasm.alloc(16);
  const dv = new DataView(wasm.memory.buffer);
  dv.setBigUint64(head, BigInt(block), true);
  dv.setUint16(head + 8, netuid, true);
  const p = (off: number) => dv.getUint32(outPtr + off, true);
  const nnz = dv.getUint32(p(OUTPUT.bondsStart) + 4 * n, true);
  const parts: Array<[number, number]> = [
    [head, 10],
    [p(OUTPUT.active), n], [p(OUTPUT.stakeWeight), 2 * n], [p(OUTPUT.consensus), 2 * n],
    [p(OUTPUT.incentive), 2 * n], [p(OUTPUT.dividends), 2 * n], [p(OUTPUT.trust), 2 * n],
    [p(OUTPUT.permit), n], [p(OUTPUT.server), 8 * n], [p(OUTPUT.validator), 8 * n], [p(OUTPUT.emission), 8 * n],
    [p(OUTPUT.bondsStart), 4 * (n + 1)], [p(OUTPUT.bondsCol), 2 * nnz], [p(OUTPUT.bondsVal), 2 * nnz],
  ];
  return hashRanges(wasm, parts, useNative);
}

export function toHex(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i++) s += b[i]!.toString(16).padStart(2, "0");
  return s;
}

export function fromHex(s: string): Uint8Array {
  if (!/^([0-9a-f]{2})*$/i.test(s)) throw new TypeError("not a hex string");
  const out = new Uint8Array(s.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(s.slice(2 * i, 2 * i + 2), 16);
  return out;
}

const B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

export function toBase64(b: Uint8Array): string {
  let s = "";
  for (let i = 0; i < b.length; i += 3) {
    const x = (b[i]! << 16) | ((b[i + 1] ?? 0) << 8) | (b[i + 2] ?? 0);
    s += B64[(x >> 18) & 63]! + B64[(x >> 12) & 63]! + (i + 1 < b.length ? B64[(x >> 6) & 63]! : "=") + (i + 2 < b.length ? B64[x & 63]! : "=");
  }
  return s;
}

export function fromBase64(s: string): Uint8Array {
  const clean = s.replace(/=+$/, "");
  const out = new Uint8Array(Math.floor((clean.length * 3) / 4));
  let o = 0;
  for (let i = 0; i < clean.length; i += 4) {
    const v = (k: number) => {
      const c = clean[i + k];
      if (c === undefined) return 0;
      const x = B64.indexOf(c);
      if (x < 0) throw new TypeError("not a base64 string");
      return x;
    };
    const x = (v(0) << 18) | (v(1) << 12) | (v(2) << 6) | v(3);
    if (o < out.length) out[o++] = (x >> 16) & 255;
    if (o < out.length) out[o++] = (x >> 8) & 255;
    if (o < out.length) out[o++] = x & 255;
  }
  return out;
}

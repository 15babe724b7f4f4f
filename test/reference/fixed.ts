// Test-only oracle, part 1: the fixed-point types the chain epoch uses, on BigInt.
//
// Written from the semantics of `substrate-fixed` v0.6.0 (src/arith.rs `mul_overflow` /
// `div_overflow`, src/macros_frac.rs `checked_*` / `saturating_*`, src/traits.rs conversions,
// src/transcendental.rs `exp`) and subtensor's `safe_math::SafeDiv`. Deliberately slow and
// literal: every value is the raw bit pattern as a bigint, every operation computes the exact
// mathematical result and then applies the crate's rounding and overflow rule.
//
//   I32F32: i64 bits, 32 fractional bits     (the epoch's working type)
//   I64F64: i128 bits, 64 fractional bits    (stake normalisation, bonds moving average)
//   I96F32: i128 bits, 32 fractional bits    (rao emission)
//   U96F32: u128 bits, 32 fractional bits    (the coinbase's working type, `asfloat!`)
//   U64F64: u128 bits, 64 fractional bits    (prices, shares, the swap pallet)

export type Bits = bigint;

export interface FixedType {
  readonly name: string;
  readonly bits: bigint; // total bit width
  readonly frac: bigint; // fractional bits
  readonly min: bigint;
  readonly max: bigint;
}

function fixedType(name: string, bits: bigint, frac: bigint): FixedType {
  return { name, bits, frac, min: -(1n << (bits - 1n)), max: (1n << (bits - 1n)) - 1n };
}

export const I32F32 = fixedType("I32F32", 64n, 32n);
export const I64F64 = fixedType("I64F64", 128n, 64n);
export const I96F32 = fixedType("I96F32", 128n, 32n);

function ufixedType(name: string, bits: bigint, frac: bigint): FixedType {
  return { name, bits, frac, min: 0n, max: (1n << bits) - 1n };
}

// Unsigned: every rule below (exact result, then truncate toward −∞ and saturate to the
// range) applies unchanged; a negative exact result saturates to 0.
export const U96F32 = ufixedType("U96F32", 128n, 32n);
export const U64F64 = ufixedType("U64F64", 128n, 64n);

export const U64_MAX = (1n << 64n) - 1n;
export const U16_MAX = 65535n;

const fits = (t: FixedType, v: bigint) => v >= t.min && v <= t.max;
const clamp = (t: FixedType, v: bigint) => (v < t.min ? t.min : v > t.max ? t.max : v);

/** Two's-complement wrap to the type's width (Rust release-mode `+` on the bits). */
export function wrap(t: FixedType, v: bigint): bigint {
  return t.min === 0n ? BigInt.asUintN(Number(t.bits), v) : BigInt.asIntN(Number(t.bits), v);
}

// ---------------------------------------------------------------- construction / conversion

/** `T::from_num(int)` / `T::saturating_from_num(int)` for an integer source: int·2^frac, saturated. */
export function fromInt(t: FixedType, v: bigint): Bits {
  return clamp(t, v << t.frac);
}

/**
 * `Dst::saturating_from_num(src)` between fixed types: extra fractional bits are truncated
 * (an arithmetic shift, i.e. toward −∞), then the value saturates to the destination range.
 */
export function fromFixed(dst: FixedType, src: FixedType, bits: Bits): Bits {
  const shift = src.frac - dst.frac;
  const v = shift >= 0n ? bits >> shift : bits << -shift;
  return clamp(dst, v);
}

/** `x.saturating_to_num::<u64>()`: fractional bits truncated (toward −∞), clamped to 0..=u64::MAX. */
export function toU64(t: FixedType, bits: Bits): bigint {
  const v = bits >> t.frac;
  return v < 0n ? 0n : v > U64_MAX ? U64_MAX : v;
}

/** `x.saturating_to_num::<u16>()`. */
export function toU16(t: FixedType, bits: Bits): number {
  const v = bits >> t.frac;
  return Number(v < 0n ? 0n : v > U16_MAX ? U16_MAX : v);
}

// ---------------------------------------------------------------- add / sub

export function saturatingAdd(t: FixedType, a: Bits, b: Bits): Bits {
  return clamp(t, a + b);
}
export function saturatingSub(t: FixedType, a: Bits, b: Bits): Bits {
  return clamp(t, a - b);
}
export function checkedAdd(t: FixedType, a: Bits, b: Bits): Bits | null {
  const v = a + b;
  return fits(t, v) ? v : null;
}
export function checkedNeg(t: FixedType, a: Bits): Bits | null {
  const v = -a;
  return fits(t, v) ? v : null;
}

/** `iter.sum()`: a fold with the `Add` operator, which wraps in a release build. */
export function wrappingSum(t: FixedType, xs: Iterable<Bits>): Bits {
  let s = 0n;
  for (const x of xs) s = wrap(t, s + x);
  return s;
}

// ---------------------------------------------------------------- mul / div

/**
 * `mul_overflow`: the exact product a·b / 2^frac rounded toward −∞ (the wide product shifted
 * right), with `overflow` when that does not fit the type.
 */
function mulOverflow(t: FixedType, a: Bits, b: Bits): { v: Bits; overflow: boolean } {
  const v = (a * b) >> t.frac;
  return { v, overflow: !fits(t, v) };
}

/**
 * `div_overflow`: (a·2^frac) / b with the integer division of Rust (truncation toward zero),
 * `overflow` when the quotient does not fit. The divisor must be non-zero.
 */
function divOverflow(t: FixedType, a: Bits, b: Bits): { v: Bits; overflow: boolean } {
  if (b === 0n) throw new Error(`${t.name}: division by zero`);
  const v = (a << t.frac) / b; // BigInt division truncates toward zero, like Rust's
  return { v, overflow: !fits(t, v) };
}

export function checkedMul(t: FixedType, a: Bits, b: Bits): Bits | null {
  const r = mulOverflow(t, a, b);
  return r.overflow ? null : r.v;
}

export function saturatingMul(t: FixedType, a: Bits, b: Bits): Bits {
  const r = mulOverflow(t, a, b);
  if (!r.overflow) return r.v;
  return (a < 0n) !== (b < 0n) ? t.min : t.max;
}

/** `checked_div`: None for a zero divisor or an overflowing quotient. */
export function checkedDiv(t: FixedType, a: Bits, b: Bits): Bits | null {
  if (b === 0n) return null;
  const r = divOverflow(t, a, b);
  return r.overflow ? null : r.v;
}

/** `saturating_div` (panics on a zero divisor, as the crate does). */
export function saturatingDiv(t: FixedType, a: Bits, b: Bits): Bits {
  const r = divOverflow(t, a, b);
  if (!r.overflow) return r.v;
  return (a < 0n) !== (b < 0n) ? t.min : t.max;
}

/** subtensor `safe_math`: `self.checked_div(rhs).unwrap_or_default()` — 0 on a zero divisor or overflow. */
export function safeDiv(t: FixedType, a: Bits, b: Bits): Bits {
  return checkedDiv(t, a, b) ?? 0n;
}

// ---------------------------------------------------------------- I32F32 shorthands

export const ONE = 1n << 32n; // I32F32 1.0
export const ZERO = 0n;
export const fx = (int: number | bigint): Bits => fromInt(I32F32, BigInt(int));
export const add = (a: Bits, b: Bits) => saturatingAdd(I32F32, a, b);
export const sub = (a: Bits, b: Bits) => saturatingSub(I32F32, a, b);
export const mul = (a: Bits, b: Bits) => saturatingMul(I32F32, a, b);
export const sdiv = (a: Bits, b: Bits) => safeDiv(I32F32, a, b);
export const sum32 = (xs: Iterable<Bits>) => wrappingSum(I32F32, xs);
export const min = (a: Bits, b: Bits) => (a < b ? a : b);
export const max = (a: Bits, b: Bits) => (a > b ? a : b);

// ---------------------------------------------------------------- transcendental::exp

// consts::E is a U2F126; transcendental.rs keeps it as an I9F23 (`E.to_bits() >> 103`), and
// `D::from(E)` widens that losslessly to I32F32 (23 → 32 fractional bits).
const E_U2F126 = 0xadf85458a2bb4a9aafdc5620273d3cf1n;
const E_I9F23 = E_U2F126 >> 103n;
export const E_I32F32 = E_I9F23 << 9n;

/**
 * `substrate_fixed::transcendental::exp::<I32F32, I32F32>`: a Taylor series with terms
 * i = 2..frac_nbits (so 2..=31), each term = term·x / i with checked ops; a negative input is
 * computed as 1 / exp(−x). Returns null where the crate returns Err(()).
 */
export function exp(operand: Bits): Bits | null {
  if (operand === 0n) return ONE;
  if (operand === ONE) return E_I32F32;
  const neg = operand < 0n;
  if (neg) {
    const n = checkedNeg(I32F32, operand);
    if (n === null) return null;
    operand = n;
  }
  let result = checkedAdd(I32F32, operand, ONE);
  if (result === null) return null;
  let term = operand;
  for (let i = 2n; i < I32F32.frac; i++) {
    const m = checkedMul(I32F32, term, operand);
    if (m === null) return null;
    const d = checkedDiv(I32F32, m, fromInt(I32F32, i));
    if (d === null) return null;
    term = d;
    const r = checkedAdd(I32F32, result, term);
    if (r === null) return null;
    result = r;
  }
  if (neg) {
    const r = checkedDiv(I32F32, ONE, result);
    if (r === null) return null;
    result = r;
  }
  return result;
}

// ---------------------------------------------------------------- transcendental::log2 / ln

// consts::LOG2_E is a U1F127; transcendental.rs keeps it as an I9F23 (`bits >> 104`), widened
// losslessly to I32F32 (23 → 32 fractional bits).
const LOG2_E_U1F127 = 0xb8aa3b295c17f0bbbe87fed0691d3e88n;
export const LOG2_E_I32F32 = (LOG2_E_U1F127 >> 104n) << 9n;

/**
 * `log2_inner` for an I32F32 operand ≥ 1: the integer part counts halvings (`rs`: x/2 with the
 * dropped bit added back, i.e. rounding half up) while x ≥ 2; then 32 squarings, each giving
 * one fraction bit (x·x floored; ≥ 2 → bit set and x halved by `rs`).
 */
function log2Inner(x: Bits): Bits {
  const two = 2n << 32n;
  let result = 0n;
  while (x >= two) {
    result += 1n;
    x = (x >> 1n) + (x & 1n);
  }
  if (x === ONE) return result << 32n; // D::from_num(count)
  for (let i = 0; i < 32; i++) {
    x = (x * x) >> 32n;
    result <<= 1n;
    if (x >= two) {
      result |= 1n;
      x = (x >> 1n) + (x & 1n);
    }
  }
  return result;
}

/** `transcendental::log2::<I32F32, I32F32>`: null (Err) for x ≤ 0 or when 1/x overflows. */
export function log2(x: Bits): Bits | null {
  if (x <= 0n) return null;
  if (x < ONE) {
    const inv = checkedDiv(I32F32, ONE, x);
    if (inv === null) return null;
    return -log2Inner(inv);
  }
  return log2Inner(x);
}

/** `transcendental::ln::<I32F32, I32F32>` = log2(x) / LOG2_E with the `/` operator (truncating). */
export function ln(x: Bits): Bits | null {
  const l = log2(x);
  if (l === null) return null;
  return wrap(I32F32, (l << 32n) / LOG2_E_I32F32);
}

// Prints the table of assembly/research/vexp.ts's exp2d: for k < 128 the pair
// (T, bits(H) − (k << 45)), H = 2^(k/128) rounded to the nearest float64 and
// T = (2^(k/128) − H) / H rounded, both from exact integer arithmetic (BigInt). These are the
// values of the standard library's exp table (the test of exp2d checks every entry through
// Math.exp, bit for bit).
//
//   node scripts/exp-table.mjs
const P = 400n; // fraction bits of the fixed-point 2^(k/128)

/** floor(a^(1/n)) by Newton's method on integers. */
function iroot(a, n) {
  let x = 1n << (BigInt(a.toString(2).length) / n + 1n);
  for (;;) {
    const y = ((n - 1n) * x + a / x ** (n - 1n)) / n;
    if (y >= x) return x;
    x = y;
  }
}

const bits = (d) => {
  const v = new DataView(new ArrayBuffer(8));
  v.setFloat64(0, d);
  return v.getBigUint64(0);
};
const hex = (b) => `0x${b.toString(16).toUpperCase().padStart(16, "0")}`;

const lines = [];
for (let k = 0; k < 128; k++) {
  const x = iroot(1n << (BigInt(k) + 128n * P), 128n); // 2^(k/128)·2^P, below by < 1
  const H = Number(x) / 2 ** Number(P); // Number(BigInt) rounds to nearest; H in [1, 2)
  const h = BigInt(H * 2 ** 52) << (P - 52n); // H·2^P exactly
  const q = ((x - h) << 200n) / h; // (2^(k/128) − H)/H · 2^200, truncated far below T's last bit
  const T = (q < 0n ? -Number(-q) : Number(q)) / 2 ** 200;
  lines.push(`  ${hex(bits(T))}, ${hex(bits(H) - (BigInt(k) << 45n))},`);
}
console.log(lines.join("\n"));

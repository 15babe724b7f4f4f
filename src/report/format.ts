// Number formats shared by the text tables, the HTML report and the CSV.

/** The peer's "Total=" format: 6 decimals, scientific below 1e-6. */
export function formatTotal(total: number): string {
  return Math.abs(total) < 1e-6 ? total.toExponential(3) : total.toFixed(6);
}

/** The peer's "(Base)" / "(+1.2%)" / "(-3.4%)"; "(n/a)" when the base earned nothing. */
export function formatDiff(pct: number | null, isBase: boolean): string {
  if (isBase) return "(Base)";
  if (pct === null) return "(n/a)";
  if (Math.abs(pct) < 1e-12) return "(+0.0%)";
  return pct > 0 ? `(+${pct.toFixed(1)}%)` : `(${pct.toFixed(1)}%)`;
}

/** One CSV field (RFC 4180 quoting). */
export function csvField(v: string | number | boolean | null): string {
  const s = v === null ? "" : typeof v === "number" ? (Number.isFinite(v) ? String(v) : "") : String(v);
  return /[",\n\r]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s;
}

export function csvLine(fields: Array<string | number | boolean | null>): string {
  return fields.map(csvField).join(",") + "\n";
}

/** A markdown table; cells are written as given, pipes escaped. */
export function markdownTable(headers: readonly string[], rows: readonly (readonly string[])[]): string {
  const clean = (cell: string) => cell.replace(/\|/g, "\\|").replace(/\s+/g, " ").trim();
  const line = (cells: readonly string[]) => `| ${cells.map(clean).join(" | ")} |`;
  return [line(headers), `|${headers.map(() => "---").join("|")}|`, ...rows.map(line)].join("\n");
}

export function verdict(pass: boolean): string {
  return pass ? "✅ pass" : "❌ FAIL";
}

export function fixed(value: number, digits = 1): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "–";
}

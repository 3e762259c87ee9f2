import type { RuleInfo } from "../change.js";

const FAMILY_TITLE: Record<string, string> = {
  openapi: "OpenAPI: operations, parameters, bodies, responses, security",
  "json-schema": "Schemas (OpenAPI and JSON Schema), direction-aware",
};

function cell(text: string): string {
  return text.replace(/\|/g, "\\|").replace(/\n/g, " ");
}

/** docs/rules.md, generated from the registry so the two cannot drift apart. */
export function renderRulesDoc(rules: readonly RuleInfo[]): string {
  const lines = [
    "# contract-diff rules: OpenAPI and JSON Schema",
    "",
    "<!-- Generated from src/rules/*-rules.ts by `npx tsx packages/contract/scripts/rules-doc.ts`; a test fails when it is stale. -->",
    "",
    "Every change the gate reports has one of these ids, a level and the reason for that level.",
    "A schema in **request** position must still accept every payload it accepted before; a schema",
    "in **response** position must produce only payloads it could produce before. `breaking` fails",
    "the gate, `dangerous` warns (fails with `fail-on: dangerous`), `safe` is listed. Protobuf and",
    "tensor-signature rules are in [proto-and-tensor-rules.md](proto-and-tensor-rules.md).",
    "",
  ];
  const counts = { breaking: 0, dangerous: 0, safe: 0 };
  for (const r of rules) counts[r.level]++;
  lines.push(
    `${rules.length} rules: ${counts.breaking} breaking, ${counts.dangerous} dangerous, ${counts.safe} safe.`,
    "",
  );
  for (const family of [...new Set(rules.map((r) => r.family))]) {
    lines.push(
      `## ${FAMILY_TITLE[family] ?? family}`,
      "",
      "| rule | level | detects | why this level |",
      "| --- | --- | --- | --- |",
    );
    for (const r of rules.filter((x) => x.family === family)) {
      lines.push(`| \`${r.id}\` | ${r.level} | ${cell(r.summary)} | ${cell(r.rationale)} |`);
    }
    lines.push("");
  }
  return lines.join("\n");
}

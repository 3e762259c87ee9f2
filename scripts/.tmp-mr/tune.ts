import { exampleRows, logit, MODELS, REGIONS } from "../../examples/eval/models.js";
const rows = exampleRows();
const acc = (m: keyof typeof MODELS, region?: string) => {
  const rs = rows.filter((r) => !region || r.region === region);
  return rs.filter((r) => (logit(MODELS[m], r.features) >= 0 ? 1 : 0) === r.label).length / rs.length;
};
for (const region of [undefined, ...REGIONS]) {
  console.log(region ?? "all", ["baseline", "candidate", "regressed"].map((m) => acc(m as any, region).toFixed(4)).join(" "));
}
console.log("positives", rows.filter((r) => r.label === 1).length / rows.length);

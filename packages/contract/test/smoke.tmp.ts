import { runContractDiff } from "../src/index.js";
const r = await runContractDiff({ base: "examples/contract/openapi-v1.yaml", head: "examples/contract/openapi-v2.yaml", cwd: process.cwd(), versionCheck: true });
console.log(r.verdict, r.headline); console.log(r.details); console.log(r.findings.map(f=>f.message).join("\n"));

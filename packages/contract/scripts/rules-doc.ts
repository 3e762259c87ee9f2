/** Regenerate docs/rules.md from the rule registry: `npx tsx packages/contract/scripts/rules-doc.ts`. */
import { writeFile } from "node:fs/promises";
import { renderRulesDoc } from "../src/rules/doc.js";
import { RULES } from "../src/rules/registry.js";

const target = new URL("../docs/rules.md", import.meta.url);
await writeFile(target, renderRulesDoc(RULES));
console.log(`wrote ${target.pathname} (${RULES.length} rules)`);

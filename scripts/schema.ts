/**
 * Writes schema/mlgate.schema.json from the zod schemas and the reference in docs/configuration.md
 * from that schema (`npm run schema`); `--check` fails when either committed file is stale, so
 * editors never autocomplete a config the gates would reject and the docs never describe one.
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { mlgateJsonSchema } from "mlgate";
import { type JsonSchema, PAGE_FILE, renderConfigReference, withReference } from "./config-reference.js";

const target = fileURLToPath(new URL("../schema/mlgate.schema.json", import.meta.url));
const schema = mlgateJsonSchema();
const fresh = `${JSON.stringify(schema, null, 2)}\n`;
const page = await readFile(PAGE_FILE, "utf8");
const freshPage = withReference(page, renderConfigReference(schema as JsonSchema));

if (process.argv.includes("--check")) {
  const committed = await readFile(target, "utf8").catch(() => "");
  const stale = [
    committed !== fresh ? "schema/mlgate.schema.json" : "",
    page !== freshPage ? "docs/configuration.md" : "",
  ].filter(Boolean);
  if (stale.length > 0) {
    console.error(
      `${stale.join(" and ")} ${stale.length > 1 ? "are" : "is"} stale: run \`npm run schema\` and commit the result`,
    );
    process.exitCode = 1;
  } else {
    console.log("schema/mlgate.schema.json and docs/configuration.md are up to date");
  }
} else {
  await writeFile(target, fresh);
  await writeFile(PAGE_FILE, freshPage);
  console.log(`wrote ${target} and ${PAGE_FILE}`);
}

/**
 * Writes schema/mlgate.schema.json from the zod schemas (`npm run schema`); `--check` fails when the
 * committed file is stale, so editors never autocomplete a config the gates would reject.
 */
import { readFile, writeFile } from "node:fs/promises";
import { fileURLToPath } from "node:url";
import { mlgateJsonSchema } from "mlgate";

const target = fileURLToPath(new URL("../schema/mlgate.schema.json", import.meta.url));
const fresh = `${JSON.stringify(mlgateJsonSchema(), null, 2)}\n`;

if (process.argv.includes("--check")) {
  const committed = await readFile(target, "utf8").catch(() => "");
  if (committed !== fresh) {
    console.error("schema/mlgate.schema.json is stale: run `npm run schema` and commit the result");
    process.exitCode = 1;
  } else {
    console.log("schema/mlgate.schema.json is up to date");
  }
} else {
  await writeFile(target, fresh);
  console.log(`wrote ${target}`);
}

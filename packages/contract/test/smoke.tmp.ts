import { stringify } from "yaml";
import { diffLoadedSides, loadSchemaContract } from "../src/diff-schemas.js";
import { RULES } from "../src/rules/registry.js";
import { JSON_SCHEMA_CASES } from "./corpus/json-schema/cases.js";
import { BODY_CASES } from "./corpus/openapi/bodies.js";
import { COMPOSITION_CASES } from "./corpus/openapi/composition.js";
import { CONSTRAINT_CASES } from "./corpus/openapi/constraints.js";
import { OPERATION_CASES } from "./corpus/openapi/operations.js";
import { PARAMETER_CASES } from "./corpus/openapi/parameters.js";
import { PROPERTY_CASES } from "./corpus/openapi/properties.js";
import { RESPONSE_CASES } from "./corpus/openapi/responses.js";
import { SECURITY_CASES } from "./corpus/openapi/security.js";
import { SWAGGER2_CASES } from "./corpus/openapi/swagger2.js";
import { TYPE_CASES } from "./corpus/openapi/types.js";

const seen = new Set<string>();
for (const c of [
  ...OPERATION_CASES,
  ...PARAMETER_CASES,
  ...BODY_CASES,
  ...RESPONSE_CASES,
  ...PROPERTY_CASES,
  ...TYPE_CASES,
  ...CONSTRAINT_CASES,
  ...COMPOSITION_CASES,
  ...SECURITY_CASES,
  ...SWAGGER2_CASES,
  ...JSON_SCHEMA_CASES,
])
  for (const e of c.expect) seen.add(e[0]);
console.log(
  RULES.filter((r) => !seen.has(r.id))
    .map((r) => `${r.id} ${r.level}`)
    .join("\n"),
);
void stringify;
void diffLoadedSides;
void loadSchemaContract;

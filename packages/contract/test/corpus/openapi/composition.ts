import { type ApiCase, obj, REQ, request, response } from "./harness.js";

const s = { type: "string" };
const cat = obj({ kind: { type: "string", enum: ["cat"] }, meows: { type: "boolean" } }, ["kind", "meows"]);
const dog = obj({ kind: { type: "string", enum: ["dog"] }, barks: { type: "boolean" } }, ["kind", "barks"]);
const bird = obj({ kind: { type: "string", enum: ["bird"] }, sings: { type: "boolean" } }, ["kind", "sings"]);
const pets = (names: string[], extra: Record<string, unknown> = {}) => ({
  components: {
    schemas: {
      Cat: cat,
      Dog: dog,
      Bird: bird,
      Pet: { oneOf: names.map((n) => ({ $ref: `#/components/schemas/${n}` })), ...extra },
    },
  },
});
const ref = { $ref: "#/components/schemas/Pet" };

export const COMPOSITION_CASES: ApiCase[] = [
  {
    name: "request: oneOf variant removed",
    base: request(ref, "3.0", pets(["Cat", "Dog"])),
    head: request(ref, "3.0", pets(["Cat"])),
    expect: [["schema.request-one-of-variant-removed", "breaking", "/components/schemas/Pet/oneOf/1"]],
    counterExamples: true,
  },
  {
    name: "request: oneOf variant added",
    base: request(ref, "3.0", pets(["Cat"])),
    head: request(ref, "3.0", pets(["Cat", "Dog"])),
    expect: [["schema.request-one-of-variant-added", "safe"]],
  },
  {
    name: "response: oneOf variant added is dangerous",
    base: response(ref, "3.0", pets(["Cat", "Dog"])),
    head: response(ref, "3.0", pets(["Cat", "Dog", "Bird"])),
    expect: [["schema.response-one-of-variant-added", "dangerous"]],
  },
  {
    name: "response: oneOf variant removed is safe",
    base: response(ref, "3.0", pets(["Cat", "Dog"])),
    head: response(ref, "3.0", pets(["Dog"])),
    expect: [["schema.response-one-of-variant-removed", "safe"]],
  },
  {
    name: "changes inside a variant are compared variant to variant",
    base: request(ref, "3.0", pets(["Cat", "Dog"])),
    head: request(ref, "3.0", {
      components: {
        schemas: {
          Cat: obj(
            {
              kind: { type: "string", enum: ["cat"] },
              meows: { type: "boolean" },
              lives: { type: "integer" },
            },
            ["kind", "meows", "lives"],
          ),
          Dog: dog,
          Pet: { oneOf: [{ $ref: "#/components/schemas/Cat" }, { $ref: "#/components/schemas/Dog" }] },
        },
      },
    }),
    expect: [
      ["schema.request-required-property-added", "breaking", "/components/schemas/Cat/properties/lives"],
    ],
    counterExamples: true,
  },
  {
    name: "request: anyOf variant removed",
    base: request(obj({ v: { anyOf: [s, { type: "integer" }] } }, ["v"])),
    head: request(obj({ v: { anyOf: [s] } }, ["v"])),
    expect: [
      ["schema.request-type-narrowed", "breaking"],
      ["schema.request-any-of-variant-removed", "breaking"],
    ],
    counterExamples: true,
  },
  {
    name: "request: plain string widened to oneOf string or integer",
    base: request(obj({ v: s }, ["v"])),
    head: request(obj({ v: { oneOf: [s, { type: "integer" }] } }, ["v"])),
    expect: [
      ["schema.request-type-widened", "safe"],
      ["schema.request-one-of-variant-added", "safe"],
    ],
  },
  {
    name: "response: plain string widened to oneOf string or integer",
    base: response(obj({ v: s }, ["v"])),
    head: response(obj({ v: { oneOf: [s, { type: "integer" }] } }, ["v"])),
    expect: [
      ["schema.response-type-widened", "breaking"],
      ["schema.response-one-of-variant-added", "dangerous"],
    ],
    counterExamples: true,
  },
  {
    name: "request: allOf member added",
    base: request({ allOf: [obj({ a: s })] }),
    head: request({ allOf: [obj({ a: s }), obj({ b: s }, ["b"])] }),
    expect: [["schema.request-all-of-member-added", "breaking", `${REQ}/allOf/1`]],
    counterExamples: true,
  },
  {
    name: "response: allOf member removed",
    base: response({ allOf: [obj({ a: s }, ["a"]), obj({ b: s }, ["b"])] }),
    head: response({ allOf: [obj({ a: s }, ["a"])] }),
    expect: [["schema.response-all-of-member-removed", "breaking"]],
    counterExamples: true,
  },
  {
    name: "refactoring into allOf with the same meaning changes nothing",
    base: request(obj({ a: s, b: s }, ["a"])),
    head: request({ allOf: [obj({ a: s }, ["a"]), obj({ b: s })] }),
    expect: [],
  },
  {
    name: "refactoring into allOf that adds a required property",
    base: request(obj({ a: s }, ["a"])),
    head: request({ allOf: [obj({ a: s }, ["a"]), obj({ b: s }, ["b"])] }),
    expect: [["schema.request-required-property-added", "breaking", `${REQ}/properties/b`]],
    counterExamples: true,
  },
  {
    name: "discriminator property renamed",
    base: response(ref, "3.0", pets(["Cat", "Dog"], { discriminator: { propertyName: "kind" } })),
    head: response(ref, "3.0", pets(["Cat", "Dog"], { discriminator: { propertyName: "type" } })),
    expect: [["schema.response-discriminator-changed", "breaking", "/components/schemas/Pet/discriminator"]],
  },
  {
    name: "request: discriminator value removed",
    base: request(
      ref,
      "3.0",
      pets(["Cat", "Dog"], {
        discriminator: {
          propertyName: "kind",
          mapping: { cat: "#/components/schemas/Cat", dog: "#/components/schemas/Dog" },
        },
      }),
    ),
    head: request(
      ref,
      "3.0",
      pets(["Cat", "Dog"], {
        discriminator: { propertyName: "kind", mapping: { cat: "#/components/schemas/Cat" } },
      }),
    ),
    expect: [["schema.request-discriminator-mapping-removed", "breaking"]],
  },
  {
    name: "response: discriminator value added",
    base: response(
      ref,
      "3.0",
      pets(["Cat", "Dog"], {
        discriminator: { propertyName: "kind", mapping: { cat: "#/components/schemas/Cat" } },
      }),
    ),
    head: response(
      ref,
      "3.0",
      pets(["Cat", "Dog"], {
        discriminator: {
          propertyName: "kind",
          mapping: { cat: "#/components/schemas/Cat", dog: "#/components/schemas/Dog" },
        },
      }),
    ),
    expect: [["schema.response-discriminator-mapping-added", "dangerous"]],
  },
  {
    name: "recursive schema: a change deep in the tree is found once",
    base: response({ $ref: "#/components/schemas/Node" }, "3.0", {
      components: {
        schemas: {
          Node: obj({
            value: { type: "integer" },
            children: { type: "array", items: { $ref: "#/components/schemas/Node" } },
          }),
        },
      },
    }),
    head: response({ $ref: "#/components/schemas/Node" }, "3.0", {
      components: {
        schemas: {
          Node: obj({
            value: { type: "number" },
            children: { type: "array", items: { $ref: "#/components/schemas/Node" } },
          }),
        },
      },
    }),
    expect: [["schema.response-type-widened", "breaking", "/components/schemas/Node/properties/value"]],
    counterExamples: true,
  },
  {
    name: "3.1: $ref with sibling keywords constrains like allOf",
    base: request(obj({ v: { $ref: "#/components/schemas/Name" } }, ["v"]), "3.1", {
      components: { schemas: { Name: s } },
    }),
    head: request(obj({ v: { $ref: "#/components/schemas/Name", maxLength: 5 } }, ["v"]), "3.1", {
      components: { schemas: { Name: s } },
    }),
    expect: [["schema.request-max-length-decreased", "breaking"]],
    counterExamples: true,
  },
];

import { describe, expect, it } from "vitest";
import { diffProto, PROTO_RULES, type ProtoSource } from "../../src/proto/index.js";
import { PROTO_CASES } from "../corpus/proto/cases.js";
import { mismatch } from "./corpus-match.js";

const HEADER = 'syntax = "proto3"; package t;\n';

function sourceOf(side: string | Record<string, string>): ProtoSource {
  if (typeof side !== "string") {
    return { files: Object.entries(side).map(([path, text]) => ({ path, text })) };
  }
  const text = /^\s*(syntax|edition)\b/.test(side) ? side : HEADER + side;
  return { files: [{ path: "main.proto", text }] };
}

describe("protobuf change corpus", () => {
  it.each(PROTO_CASES.map((c) => [c.name, c] as const))("%s", (_name, c) => {
    const changes = diffProto(sourceOf(c.base), sourceOf(c.head));
    expect(mismatch(changes, c.expect)).toBe("");
    for (const change of changes) {
      // Every change names a place in a file, and its message is one line.
      expect(change.base?.file ?? change.head?.file).toBeTruthy();
      expect(change.message).not.toContain("\n");
    }
  });

  it("has at least 25 labelled pairs", () => {
    expect(PROTO_CASES.length).toBeGreaterThanOrEqual(25);
  });

  it("exercises every protobuf rule", () => {
    const covered = new Set(PROTO_CASES.flatMap((c) => c.expect.map((e) => e[0])));
    expect(PROTO_RULES.map((r) => r.id).filter((id) => !covered.has(id))).toEqual([]);
  });

  it("labels each rule at its registered level", () => {
    const levels = new Map(PROTO_RULES.map((r) => [r.id, r.level]));
    for (const c of PROTO_CASES)
      for (const [rule, level] of c.expect) expect([rule, levels.get(rule)]).toEqual([rule, level]);
  });
});

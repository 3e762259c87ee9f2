/** The version every report and SARIF file names must be the one the packages are released as. */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { TOOL } from "../src/index.js";

function versionOf(relative: string): string {
  const file = new URL(relative, import.meta.url);
  return (JSON.parse(readFileSync(file, "utf8")) as { version: string }).version;
}

describe("TOOL.version", () => {
  it("matches the core and command-line packages' versions", () => {
    expect(TOOL.version).toBe(versionOf("../package.json"));
    expect(TOOL.version).toBe(versionOf("../../cli/package.json"));
  });
});

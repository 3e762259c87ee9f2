#!/usr/bin/env node
// In a checkout of the repository the TypeScript source runs directly (through tsx), so
// `npx mlgate` works right after `npm ci`; a published package ships the bundled dist/ instead.
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const source = fileURLToPath(new URL("../src/cli.ts", import.meta.url));
if (existsSync(source)) {
  const { register } = await import("tsx/esm/api");
  register();
  await import(source);
} else {
  await import("../dist/cli.js");
}

import { dirname } from "node:path";
import { fileURLToPath } from "node:url";

// The bundle is an ES module, but a CommonJS dependency bundled into it (the CycloneDX library's
// resource paths) reads `__dirname` when it loads. Imported first, so it is defined by then.
const global = globalThis as { __dirname?: string };
global.__dirname ??= dirname(fileURLToPath(import.meta.url));

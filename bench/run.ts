/**
 * `npm run bench` runs every benchmark; `npm run bench -- <name>` runs one. Benchmarks measure
 * and print figures side by side with the tools users would otherwise pick; they assert nothing,
 * so they stay out of `npm test`.
 */
import { readdir } from "node:fs/promises";
import { fileURLToPath } from "node:url";

export interface Benchmark {
  name: string;
  description: string;
  run(): Promise<void>;
}

const dir = fileURLToPath(new URL(".", import.meta.url));
const files = (await readdir(dir)).filter((f) => f.endsWith(".bench.ts")).sort();
const benchmarks: Benchmark[] = [];
for (const file of files) {
  const mod = (await import(new URL(file, import.meta.url).href)) as { default: Benchmark };
  benchmarks.push(mod.default);
}

const wanted = process.argv.slice(2);
const unknown = wanted.filter((w) => !benchmarks.some((b) => b.name === w));
if (unknown.length > 0) {
  console.error(
    `unknown benchmark(s): ${unknown.join(", ")}; available: ${benchmarks.map((b) => b.name).join(", ")}`,
  );
  process.exit(2);
}
for (const bench of benchmarks.filter((b) => wanted.length === 0 || wanted.includes(b.name))) {
  console.log(`\n== ${bench.name}: ${bench.description}\n`);
  await bench.run();
}

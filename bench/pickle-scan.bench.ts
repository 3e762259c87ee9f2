/**
 * Scanning a 1 GiB PyTorch-style archive (a torch.save zip: data.pkl plus 256 stored tensor
 * members of 4 MiB) with scanModelFile: canonical zip structure, CRC-32 of every member,
 * the data.pkl opcode walk and the storage cross-check. The anchor is what picklescan and
 * modelscan do on the same file: Python's pickletools.genops over data.pkl and
 * zipfile.ZipFile.testzip() for the CRCs. Each side runs as its own process (start-up included),
 * three times (medians), with GNU time for peak memory.
 */
import { closeSync, mkdtempSync, openSync, rmSync, statSync, writeFileSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import {
  type SMALL_MODEL,
  type TensorSpec,
  tensorBytes,
  torchStateDictPickle,
} from "../packages/artifact/test/fixtures/pickles/models.js";
import { ZipWriter } from "../packages/artifact/test/fixtures/pickles/zip.js";
import { commandExists, type Measurement, measure, printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const TENSORS = 256;
const TENSOR_BYTES = 4 * 1024 * 1024;
/** Medians of three runs: the machine is shared, single runs are noisy. */
const RUNS = 3;

/** Stream the archive to disk: one 4 MiB block of tensor bytes, written 256 times. */
function writeArchive(path: string): number {
  const tensors: TensorSpec[] = Array.from({ length: TENSORS }, (_, i) => ({
    name: `layers.${i}.weight`,
    storage: "FloatStorage" as (typeof SMALL_MODEL)[number]["storage"],
    key: String(i),
    shape: [1024, TENSOR_BYTES / 4 / 1024],
  }));
  const block = tensorBytes(TENSOR_BYTES, 7);
  const fd = openSync(path, "w");
  try {
    const zip = new ZipWriter((chunk) => {
      let done = 0;
      while (done < chunk.length) done += writeSync(fd, chunk, done);
    });
    const enc = new TextEncoder();
    const torch = { style: "torch" as const };
    zip.add("model/data.pkl", torchStateDictPickle(tensors), torch);
    zip.add("model/byteorder", enc.encode("little"), torch);
    for (const t of tensors) zip.add(`model/data/${t.key}`, block, torch);
    zip.add("model/version", enc.encode("3\n"), torch);
    zip.finish({ zip64: true });
  } finally {
    closeSync(fd);
  }
  return statSync(path).size;
}

const PYTHON_ANCHOR = `
import pickletools, sys, time, zipfile
t = time.perf_counter()
with zipfile.ZipFile(sys.argv[1]) as z:
    n = sum(1 for _ in pickletools.genops(z.read("model/data.pkl")))
    bad = z.testzip()
print(n, bad, round((time.perf_counter() - t) * 1000))
`;

const WORKER = (entry: string) => `
import { scanModelFile } from ${JSON.stringify(entry)};
const t = performance.now();
const r = await scanModelFile(process.argv[2] as string);
const ms = Math.round(performance.now() - t);
console.log(JSON.stringify({ ms, format: r.format, members: r.members, bytes: r.bytesScanned, findings: r.findings.map((f) => f.rule) }));
`;

/**
 * The scan runs from one bundled file, as the action does from its ncc bundle; esbuild (which
 * tsx brings) bundles it. Without esbuild it runs through tsx, whose start-up is then included.
 */
async function buildWorker(dir: string): Promise<{ args: string[]; how: string }> {
  const source = join(dir, "scan-worker.ts");
  writeFileSync(source, WORKER(join(root, "packages/artifact/src/index.ts")));
  try {
    const esbuild = (await import("esbuild")) as typeof import("esbuild");
    const outfile = join(dir, "scan-worker.mjs");
    await esbuild.build({
      entryPoints: [source],
      bundle: true,
      platform: "node",
      format: "esm",
      target: "node20",
      outfile,
      logLevel: "silent",
      banner: {
        js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
      },
    });
    return { args: [outfile], how: "node, one bundled file" };
  } catch (e) {
    console.log(`esbuild unavailable (${(e as Error).message.split("\n")[0]}): running through tsx`);
    return { args: ["--import", "tsx", source], how: "node + tsx" };
  }
}

const bench: Benchmark = {
  name: "pickle-scan",
  description: "static scan of a 1 GiB torch zip archive vs pickletools.genops + zipfile.testzip",
  async run() {
    const dir = mkdtempSync(join(tmpdir(), "mlgate-pickle-bench-"));
    try {
      const path = join(dir, "model.pt");
      const started = performance.now();
      const size = writeArchive(path);
      console.log(
        `wrote ${(size / 2 ** 20).toFixed(0)} MiB to ${path} in ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
      const worker = await buildWorker(dir);
      const rows: string[][] = [];
      const mb = size / 1e6;
      const ours = measure(process.execPath, [...worker.args, path], {
        runs: RUNS,
        cwd: root,
        timeoutMs: 600_000,
      });
      const tiny = join(dir, "tiny.pkl");
      writeFileSync(tiny, Uint8Array.of(0x80, 0x02, 0x4e, 0x2e));
      const startup = measure(process.execPath, [...worker.args, tiny], { runs: RUNS, cwd: root });
      const report = JSON.parse(ours.stdout.trim().split("\n").pop() ?? "{}") as {
        ms: number;
        format: string;
        members: number;
        bytes: number;
        findings: string[];
      };
      console.log(
        `scanModelFile: format ${report.format}, ${report.members} members, ${report.bytes} bytes checked, findings: ${report.findings.length === 0 ? "none" : report.findings.join(", ")}`,
      );
      const row = (tool: string, m: Measurement, inProcessMs?: number) => [
        tool,
        (m.wallMs / 1000).toFixed(2),
        inProcessMs === undefined ? "n/a" : (inProcessMs / 1000).toFixed(2),
        (mb / (m.wallMs / 1000)).toFixed(0),
        m.maxRssMiB?.toFixed(0) ?? "n/a",
      ];
      rows.push(row("mlgate scanModelFile", ours, report.ms));
      rows.push([
        `  of which start-up (${worker.how}, a 4-byte pickle)`,
        (startup.wallMs / 1000).toFixed(2),
        "",
        "",
        startup.maxRssMiB?.toFixed(0) ?? "n/a",
      ]);
      const python = ["/usr/bin/python3"].find((p) => commandExists(p));
      let anchor: Measurement | undefined;
      if (python) {
        anchor = measure(python, ["-c", PYTHON_ANCHOR, path], { runs: RUNS, timeoutMs: 600_000 });
        const [ops, bad, ms] = anchor.stdout.trim().split(/\s+/);
        console.log(`python anchor: ${ops} opcodes in data.pkl, testzip → ${bad}`);
        rows.push(row("python pickletools.genops + zipfile.testzip", anchor, Number(ms)));
      } else {
        console.log("/usr/bin/python3 is not installed: the python anchor is left out");
      }
      console.log("");
      printTable(
        ["tool", "wall s (median of 3)", "in-process s (last run)", "MB/s (wall)", "peak RSS MiB"],
        rows,
      );
      if (anchor) console.log(`\ntime ÷ python anchor: ${(ours.wallMs / anchor.wallMs).toFixed(2)}`);
      console.log(
        "\nBoth read every byte once for CRC-32; mlgate also checks local headers against the central directory, entry tiling, descriptors, and the storages data.pkl names.",
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};

export default bench;

/**
 * scan-image at scale, as a CI step runs it: the committed action bundle scans a generated image of
 * about 1 GB (four gzip layers: a Debian base with 2,000 dpkg packages, 1,500 Python and 1,500 npm
 * packages, large filler files and a model) against a generated OSV database of 50,000 advisories
 * (Debian, PyPI and npm, one zip), and writes the SBOM, results and SARIF. Prints wall time and peak
 * memory (GNU time's maximum resident set). Target: under 10 s and under 1 GB.
 *
 * The fixture is generated once into .bench-out/scan-image and reused while its recipe is unchanged.
 * MLGATE_BENCH_ACTION names another build of the action's bundle to measure instead of the committed one
 * (a change to the scan measured before dist/ is rebuilt).
 */
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { cpus, loadavg } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { LayerEntry } from "../packages/scan/test/fixtures/images/layer-tar.js";
import { writeOciLayout } from "../packages/scan/test/fixtures/images/oci-writer.js";
import { type AdvisoryInput, osvDocument } from "../packages/scan/test/fixtures/osv.js";
import { writeZip } from "../packages/scan/test/fixtures/zip-writer.js";
import { commandExists, measure, printTable } from "./lib/measure.js";
import type { Benchmark } from "./run.js";

const root = fileURLToPath(new URL("..", import.meta.url));
const out = join(root, ".bench-out", "scan-image");
const ACTION = process.env.MLGATE_BENCH_ACTION || join(root, "actions", "scan-image", "dist", "index.js");
const RECIPE = "v1: 2000 deb + 1500 pypi + 1500 npm packages, 50000 advisories, ~1 GB";
const RUNS = 3;
const MiB = 1024 * 1024;

const DEB = 2000;
const PYPI = 1500;
const NPM = 1500;
const ADVISORIES = 50_000;

/** A deterministic pseudo-random stream, so every run measures the same fixture. */
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

const debVersion = (i: number) => `${1 + (i % 5)}.${i % 13}.${i % 7}-${1 + (i % 3)}+deb12u${i % 4}`;
const pyVersion = (i: number) => `${1 + (i % 4)}.${i % 11}.${i % 9}`;
const npmVersion = (i: number) => `${i % 6}.${i % 17}.${i % 5}`;

function dpkgStatus(): string {
  const stanzas: string[] = [];
  for (let i = 0; i < DEB; i++) {
    stanzas.push(
      [
        `Package: pkg${i}`,
        "Status: install ok installed",
        "Architecture: amd64",
        `Source: src${Math.floor(i / 2)}`,
        `Version: ${debVersion(Math.floor(i / 2))}`,
        `Description: generated package ${i}`,
        " A longer description line, as real status files carry.",
      ].join("\n"),
    );
  }
  return `${stanzas.join("\n\n")}\n`;
}

/** Filler files: `total` bytes in 64 MiB files, generated while the layer is written. */
function filler(prefix: string, total: number): LayerEntry[] {
  const files: LayerEntry[] = [];
  for (let i = 0; total > 0; i++) {
    const size = Math.min(64 * MiB, total);
    files.push({ path: `${prefix}/blob-${i}.bin`, type: "file", fill: { size, byte: (i * 37) % 251 } });
    total -= size;
  }
  return files;
}

async function writeImage(dir: string): Promise<string> {
  const base: LayerEntry[] = [
    {
      path: "etc/os-release",
      content: 'ID=debian\nVERSION_ID="12"\nPRETTY_NAME="Debian GNU/Linux 12 (bookworm)"\n',
    },
    { path: "var/lib/dpkg/status", content: dpkgStatus() },
    ...filler("usr/lib/x86_64-linux-gnu/generated", 360 * MiB),
  ];
  const python: LayerEntry[] = [];
  for (let i = 0; i < PYPI; i++) {
    python.push({
      path: `usr/local/lib/python3.11/site-packages/py_pkg${i}-${pyVersion(i)}.dist-info/METADATA`,
      content: `Metadata-Version: 2.1\nName: py-pkg${i}\nVersion: ${pyVersion(i)}\nSummary: generated\n`,
    });
  }
  python.push(...filler("usr/local/lib/python3.11/site-packages/torch/lib", 300 * MiB));
  const node: LayerEntry[] = [];
  for (let i = 0; i < NPM; i++) {
    node.push({
      path: `app/node_modules/npm-pkg${i}/package.json`,
      content: JSON.stringify({ name: `npm-pkg${i}`, version: npmVersion(i), main: "index.js" }),
    });
  }
  node.push(...filler("app/assets", 300 * MiB));
  const model: LayerEntry[] = [
    { path: "opt/model/weights.bin", type: "file", fill: { size: 64 * MiB, byte: 7 } },
  ];
  const layout = await writeOciLayout(
    dir,
    {
      layers: [base, python, node, model],
      createdBy: ["ADD rootfs /", "RUN pip install ...", "RUN npm ci", "COPY model /opt/model"],
    },
    "bench",
  );
  return layout.ref;
}

/** 50,000 advisories: about a third concern installed packages (some affected, some fixed), the rest other names. */
function advisories(): AdvisoryInput[] {
  const next = random(42);
  const list: AdvisoryInput[] = [];
  const vectors = [
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:N/A:N",
    "CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:L/I:N/A:N",
    "CVSS:3.1/AV:L/AC:H/PR:L/UI:N/S:U/C:L/I:N/A:N",
  ];
  for (let n = 0; n < ADVISORIES; n++) {
    const kind = n % 3;
    const installed = next() < 0.35;
    const cvss = vectors[Math.floor(next() * vectors.length)] as string;
    if (kind === 0) {
      const i = installed ? Math.floor(next() * (DEB / 2)) : DEB + n;
      const v = debVersion(i);
      const fixed = next() < 0.5 ? `${v}.1` : v.replace(/^\d+/, "0");
      list.push({
        id: `DEBIAN-CVE-2024-${100000 + n}`,
        upstream: [`CVE-2024-${100000 + n}`],
        ecosystem: "Debian:12",
        name: `src${i}`,
        events: [{ introduced: "0" }, { fixed }],
        urgency: ["low", "medium", "high"][n % 3] as string,
      });
    } else if (kind === 1) {
      const i = installed ? Math.floor(next() * PYPI) : PYPI + n;
      const v = pyVersion(i);
      list.push({
        id: `PYSEC-2024-${n}`,
        aliases: [`CVE-2023-${100000 + n}`],
        ecosystem: "PyPI",
        name: `Py_Pkg${i}`,
        events: [{ introduced: "0" }, { fixed: next() < 0.5 ? `${v}.post1` : "0.1" }],
        cvss,
      });
    } else {
      const i = installed ? Math.floor(next() * NPM) : NPM + n;
      const v = npmVersion(i);
      const [major, minor, patch] = v.split(".").map(Number) as [number, number, number];
      list.push({
        id: `GHSA-bench-${n}`,
        aliases: [`CVE-2022-${100000 + n}`],
        ecosystem: "npm",
        name: `npm-pkg${i}`,
        events: [{ introduced: "0" }, { fixed: next() < 0.5 ? `${major}.${minor}.${patch + 1}` : "0.0.1" }],
        rangeType: "SEMVER",
        severityWord: ["LOW", "MODERATE", "HIGH", "CRITICAL"][n % 4] as string,
      });
    }
  }
  return list;
}

async function prepare(): Promise<{ ref: string; osv: string }> {
  const marker = join(out, "recipe.txt");
  const ref = `oci:${join(out, "image")}:bench`;
  const osv = join(out, "osv", "all.zip");
  if (existsSync(marker) && readFileSync(marker, "utf8") === RECIPE) return { ref, osv };
  rmSync(out, { recursive: true, force: true });
  mkdirSync(join(out, "osv"), { recursive: true });
  const started = Date.now();
  console.log("generating the fixture (once): image and OSV database …");
  await writeImage(join(out, "image"));
  writeZip(
    osv,
    advisories().map((a) => ({ name: `${a.id}.json`, data: JSON.stringify(osvDocument(a)) })),
    { zip64: true },
  );
  writeFileSync(marker, RECIPE);
  console.log(`generated in ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return { ref, osv };
}

const benchmark: Benchmark = {
  name: "scan-image",
  description: "native scan of a generated ~1 GB image (5,000 packages) against 50,000 OSV advisories",
  async run() {
    if (!existsSync(ACTION))
      throw new Error(`build the action first: node scripts/build-actions.mjs scan-image`);
    const { ref, osv } = await prepare();
    const scratch = join(out, "run");
    mkdirSync(scratch, { recursive: true });
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      HOME: process.env.HOME,
      // The OSV name index goes to the temporary directory: cleared for the cold run, kept for the warm ones.
      TMPDIR: scratch,
      RUNNER_TEMP: scratch,
      GITHUB_WORKSPACE: out,
      INPUT_IMAGE: ref,
      "INPUT_OSV-DB": osv,
      "INPUT_FAIL-ON": "critical",
      INPUT_SHOW: "high",
      INPUT_COMMENT: "false",
      "INPUT_COMMENT-KEY": "default",
    };
    rmSync(join(scratch, "mlgate-osv-index"), { recursive: true, force: true });
    const options = { env, cwd: out, okExitCodes: [0, 1], timeoutMs: 300_000 };
    const cold = measure(process.execPath, [ACTION], { ...options, runs: 1 });
    const m = measure(process.execPath, [ACTION], { ...options, runs: RUNS });
    const results = JSON.parse(readFileSync(join(scratch, "mlgate", "scan-image-results.json"), "utf8")) as {
      findings: unknown[];
      counts: Record<string, number>;
    };
    const report = JSON.parse(readFileSync(join(scratch, "mlgate", "scan-image-report.json"), "utf8")) as {
      verdict: string;
      metrics: Record<string, { value: number }>;
    };
    const rows = [
      [
        "mlgate scan-image, first run (builds the OSV name index)",
        (cold.wallMs / 1000).toFixed(2),
        cold.maxRssMiB !== undefined ? cold.maxRssMiB.toFixed(0) : "n/a",
        String(report.metrics.packages?.value ?? "?"),
        String(results.findings.length),
        report.verdict,
      ],
      [
        `mlgate scan-image, cached index (median of ${RUNS})`,
        (m.wallMs / 1000).toFixed(2),
        m.maxRssMiB !== undefined ? m.maxRssMiB.toFixed(0) : "n/a",
        String(report.metrics.packages?.value ?? "?"),
        String(results.findings.length),
        report.verdict,
      ],
    ];
    for (const tool of ["trivy", "grype"]) {
      if (!commandExists(tool)) rows.push([`${tool} (not installed)`, "-", "-", "-", "-", "-"]);
    }
    printTable(["run", "wall s", "max RSS MiB", "packages", "findings", "verdict"], rows);
    const phases = (stdout: string) =>
      stdout
        .split("\n")
        .filter((l) => / in \d+ ms/.test(l))
        .map((l) => `  ${l.trim()}`);
    console.log(
      `\nphases, first run:\n${phases(cold.stdout).join("\n")}\nphases, last cached run:\n${phases(m.stdout).join("\n")}`,
    );
    console.log(
      `\nload average during the runs: ${loadavg()
        .map((x) => x.toFixed(1))
        .join(" ")} on ${cpus().length} cores`,
    );
    const withinTime = cold.wallMs < 10_000 && m.wallMs < 10_000;
    const withinMemory = m.maxRssMiB === undefined || Math.max(m.maxRssMiB, cold.maxRssMiB ?? 0) < 1024;
    console.log(
      `\ntarget: under 10 s and under 1 GB — ${withinTime ? "met" : "MISSED"} for time, ${m.maxRssMiB === undefined ? "unmeasured (no GNU time)" : withinMemory ? "met" : "MISSED"} for memory`,
    );
  },
};

export default benchmark;

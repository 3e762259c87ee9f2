import { DiskFiles } from "../src/load/files.js";
import { LoadedContract } from "../src/load/contract.js";
import { contractLimits } from "../src/limits.js";
import { buildModel } from "../src/model/build.js";
import { diffApiModels } from "../src/openapi/diff.js";
import { ChangeCollector } from "../src/rules/collector.js";
const dir = "/work/shared/bench-data/stripe-openapi";
const files = new DiskFiles(dir, dir);
const T = () => { const u = process.cpuUsage(); return (u.user + u.system) / 1000; };
for (let round = 0; round < Number(process.env.ROUNDS ?? 2); round++) {
let t = T();
const a = await LoadedContract.load(`${dir}/spec3-2021-05-17.json`, files, { limits: contractLimits() });
const b = await LoadedContract.load(`${dir}/spec3-2022-04-12.json`, files, { limits: contractLimits() });
const tl = T() - t; t = T();
const ma = buildModel(a) as any, mb = buildModel(b) as any;
const tm = T() - t; t = T();
const out = new ChangeCollector();
diffApiModels(ma, mb, out);
const td = T() - t; t = T();
const r1 = out.finish({ counterExamples: false });
const tf = T() - t; t = T();
const out2 = new ChangeCollector(); diffApiModels(buildModel(a) as any, buildModel(b) as any, out2);
t = T();
const r2 = out2.finish({ counterExamples: true });
const tc = T() - t;
console.log({ load: tl|0, model: tm|0, diff: td|0, finish: tf|0, finishCx: tc|0, changes: r1.changes.length, stats: r2.stats, rss: process.memoryUsage().rss / 1e6 | 0 });
}

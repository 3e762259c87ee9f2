import { judgeLook, MetricTrack, hodgesLehmann, mannWhitney } from "../src/index.js";
import { spec } from "./fakes.js";
const t = new MetricTrack(spec("p95"));
const rnd = () => 80 * Math.exp(0.5 * (Math.random() * 2 - 1));
let t0 = performance.now();
for (let i = 0; i < 20; i++) { t.add({ candidate: Array.from({length: 60}, rnd), baseline: Array.from({length: 60}, rnd) }); }
console.log("add", performance.now() - t0);
t0 = performance.now();
for (let i = 0; i < 200; i++) judgeLook([t], { alpha: 0.01, tauSd: 0.25, thresholds: [], psiLimit: 0.2, ksLimit: 0.1 }, { endOfStep: false, guard: false });
console.log("look x200", performance.now() - t0);
const c = Array.from({length: 1200}, rnd), b = Array.from({length: 1200}, rnd);
t0 = performance.now();
for (let i = 0; i < 20; i++) mannWhitney(c, b);
console.log("mw x20", performance.now() - t0);
t0 = performance.now();
for (let i = 0; i < 20; i++) hodgesLehmann(c, b, 0.98);
console.log("hl x20", performance.now() - t0);

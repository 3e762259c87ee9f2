import { RunningMoments, sequentialTest, binaryMoments } from "../src/index.js";
import { Random } from "./random.js";
for (const [label, binary, nc, nb, looks] of [["lat 30/300x20", false, 30, 300, 20], ["lat 5/50x100", false, 5, 50, 100], ["lat 1/5x300", false, 1, 5, 300], ["err 1% 50/500x40", true, 50, 500, 40]] as const) {
  const rng = new Random(42);
  let alarms = 0; const runs = 2000;
  for (let i = 0; i < runs; i++) {
    const c = new RunningMoments(), b = new RunningMoments(); let minP = 1;
    for (let l = 0; l < looks; l++) {
      for (let k = 0; k < nc; k++) c.add(binary ? rng.bernoulli(0.01) : Math.log(rng.lognormal(4.6, 0.6)));
      for (let k = 0; k < nb; k++) b.add(binary ? rng.bernoulli(0.01) : Math.log(rng.lognormal(4.6, 0.6)));
      if (c.n < 20 || b.n < 20) continue;
      const cm = binary ? binaryMoments(c.n, Math.round(c.mean*c.n)) : { n: c.n, mean: c.mean, variance: c.variance };
      const bm = binary ? binaryMoments(b.n, Math.round(b.mean*b.n)) : { n: b.n, mean: b.mean, variance: b.variance };
      const r = sequentialTest({ candidate: cm, baseline: bm, sign: 1, margin: 0, tau: Math.max(0.25*Math.sqrt((cm.variance+bm.variance)/2),1e-9), alpha: 0.05 });
      minP = Math.min(minP, r.p);
    }
    if (minP <= 0.05) alarms++;
  }
  console.log(label, (alarms / runs).toFixed(4));
}

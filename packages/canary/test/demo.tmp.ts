import { runDemoCanaries } from "../../../examples/canary/demo.js";
const t = Date.now();
const r = await runDemoCanaries({ log: (l) => console.log(l) });
console.log(Date.now() - t, "ms");
console.log(r.promoted.verdict, r.promoted.headline);
console.log(r.rolledBack.verdict, r.rolledBack.headline);
console.log(JSON.stringify(r.split));

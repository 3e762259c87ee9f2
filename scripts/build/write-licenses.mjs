// `node write-licenses.mjs ROOT OUT_DIR STATS_FILE`: licenses.txt for a bundle ncc built with
// `--stats-out STATS_FILE` from ROOT (see licenses.mjs); used where ncc runs outside build-actions.
import { writeLicenses } from "./licenses.mjs";

const [root, outDir, statsFile] = process.argv.slice(2);
if (!root || !outDir || !statsFile) {
  console.error("usage: node write-licenses.mjs ROOT OUT_DIR STATS_FILE");
  process.exit(2);
}
// Silent: `npm pack --json` runs this in prepack, and its standard output must stay JSON.
await writeLicenses({ root, outDir, statsFile });

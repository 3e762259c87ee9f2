import "./cjs-globals.js";
import { main } from "./main.js";

// The process entry point: real streams, real exit code.
const code = await main(process.argv.slice(2), {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
  cwd: process.cwd(),
  colorDefault: Boolean(process.stdout.isTTY) && !process.env.NO_COLOR,
});
process.exitCode = code;

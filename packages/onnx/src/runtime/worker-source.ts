/**
 * The program run in the session's child process, as source text: actions are single-file bundles,
 * so the child is `node -e <this>` rather than a separate module file. Plain CommonJS, no imports:
 * it loads onnxruntime-node from the absolute path the parent sends and answers over IPC.
 *
 * Messages in:  { type: "load", modulePath, modelPath, intraOpThreads? } | { type: "run", id, feeds } | { type: "close" }
 * Messages out: { type: "loaded", loadMs, inputs, outputs } | { type: "result", id, outputs, ms }
 *               | { type: "error", phase: "load" | "run", id?, message }
 */
export const WORKER_SOURCE = String.raw`
"use strict";
let ort = null;
let session = null;
const send = (message) => { if (process.connected) process.send(message); };
const errorText = (e) => (e && e.message ? String(e.message) : String(e));
const describe = (list) =>
  (list || []).map((m) => {
    const io = { name: m.name };
    if (m.isTensor) {
      io.dtype = m.type;
      if (Array.isArray(m.shape)) io.shape = m.shape.map((d) => (typeof d === "number" && d < 0 ? null : d));
    }
    return io;
  });

async function load(message) {
  const started = performance.now();
  try {
    ort = require(message.modulePath);
  } catch (e) {
    throw new Error("onnxruntime-node does not load from " + message.modulePath + ": " + errorText(e));
  }
  const options = { executionProviders: ["cpu"], logSeverityLevel: 3 };
  if (message.intraOpThreads) options.intraOpNumThreads = message.intraOpThreads;
  session = await ort.InferenceSession.create(message.modelPath, options);
  const inputs = session.inputMetadata ? describe(session.inputMetadata) : session.inputNames.map((name) => ({ name }));
  const outputs = session.outputMetadata ? describe(session.outputMetadata) : session.outputNames.map((name) => ({ name }));
  send({ type: "loaded", loadMs: performance.now() - started, inputs, outputs });
}

async function run(message) {
  const feeds = {};
  for (const name of Object.keys(message.feeds)) {
    const t = message.feeds[name];
    feeds[name] = new ort.Tensor(t.dtype, t.data, t.dims);
  }
  const started = performance.now();
  const result = await session.run(feeds);
  const ms = performance.now() - started;
  const outputs = {};
  for (const name of Object.keys(result)) {
    const value = result[name];
    outputs[name] = { dtype: value.type, dims: Array.from(value.dims, Number), data: value.data };
  }
  send({ type: "result", id: message.id, outputs, ms });
}

process.on("message", (message) => {
  if (message.type === "close") {
    Promise.resolve(session && session.release ? session.release() : undefined).finally(() => process.exit(0));
    return;
  }
  const task = message.type === "load" ? load(message) : run(message);
  task.catch((e) => send({ type: "error", phase: message.type === "load" ? "load" : "run", id: message.id, message: errorText(e) }));
});
process.on("disconnect", () => process.exit(0));
`;

import {
  configLocation,
  GATE_ACTION_INPUTS,
  publishFromInputs,
  readInputs,
  runGateAction,
} from "@mlgate/github";
import { resolveLoadTest, runLoadTest } from "@mlgate/load";
import { z } from "zod";

// Inputs left empty fall back to the config file's keys, then to the gate's defaults.
const inputs = z.object({
  url: z.string().optional(),
  rate: z.string().optional(),
  duration: z.string().optional(),
  ramp: z.array(z.string()).optional(),
  warmup: z.string().optional(),
  concurrency: z.int().min(1).optional(),
  connections: z.int().min(1).optional(),
  timeout: z.string().optional(),
  maxRequests: z.int().min(1).optional(),
  method: z.enum(["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"]).optional(),
  bodyFile: z.string().optional(),
  headers: z.array(z.string()).optional(),
  stream: z.boolean().optional(),
  responseSchema: z.string().optional(),
  abortEarly: z.boolean().optional(),
  shard: z.string().optional(),
  merge: z.array(z.string()).optional(),
  resultFile: z.string().optional(),
  gates: z.array(z.string()).optional(),
  ...GATE_ACTION_INPUTS,
});

/** The runner's log command that hides a value wherever it would be printed. */
function mask(secret: string): void {
  for (const line of secret.split(/\r?\n/))
    if (line.trim() !== "") process.stdout.write(`::add-mask::${line}\n`);
}

await runGateAction("load-test", async () => {
  const given = readInputs(inputs);
  const { input, report: settings } = await resolveLoadTest(
    {
      url: given.url,
      method: given.method,
      rate: given.rate,
      duration: given.duration,
      ramp: given.ramp,
      warmup: given.warmup,
      concurrency: given.concurrency,
      connections: given.connections,
      timeout: given.timeout,
      maxRequests: given.maxRequests,
      bodyFile: given.bodyFile,
      headers: given.headers,
      stream: given.stream,
      responseSchema: given.responseSchema,
      abortEarly: given.abortEarly,
      shard: given.shard,
      resultFile: given.resultFile,
      ...(given.merge ? { merge: given.merge } : {}),
      gates: given.gates,
    },
    configLocation(given),
  );
  input.onSecrets = (secrets) => {
    for (const s of secrets) mask(s);
  };
  input.log = (line) => console.log(line);
  const report = await runLoadTest(input);
  return { report, publish: publishFromInputs(given, settings) };
});

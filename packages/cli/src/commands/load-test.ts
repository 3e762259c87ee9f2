// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header templates are written ${env.NAME}, ${seq}, ${uuid}
import { GateError } from "@mlgate/core";
import { resolveLoadTest, runLoadTest } from "@mlgate/load";
import { type Command, Option } from "commander";
import { type CliIO, collect, gateCommand } from "../gate-command.js";

function wholeNumber(name: string, min: number) {
  return (value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const x = Number(value);
    if (value.trim() === "" || !Number.isInteger(x) || x < min) {
      throw new GateError(`--${name} ${value}: expected a whole number of at least ${min}`);
    }
    return x;
  };
}

const concurrency = wholeNumber("concurrency", 1);
const connections = wholeNumber("connections", 1);
const maxRequests = wholeNumber("max-requests", 1);

export function loadTestCommand(io: CliIO, setExitCode: (code: number) => void): Command {
  return gateCommand(
    "load-test",
    "load an endpoint at a fixed arrival rate and judge its latency, throughput and error SLAs",
    io,
    setExitCode,
    async (options, args) => {
      const merge = options.merge as string[] | undefined;
      const { input, report } = await resolveLoadTest(
        {
          url: args[0],
          method: options.method as string | undefined,
          rate: options.rate as string | undefined,
          duration: options.duration as string | undefined,
          ramp: options.ramp as string[],
          warmup: options.warmup as string | undefined,
          concurrency: concurrency(options.concurrency as string | undefined),
          connections: connections(options.connections as string | undefined),
          timeout: options.timeout as string | undefined,
          maxRequests: maxRequests(options.maxRequests as string | undefined),
          bodyFile: options.bodyFile as string | undefined,
          headers: options.header as string[],
          stream: options.stream as boolean | undefined,
          responseSchema: options.responseSchema as string | undefined,
          abortEarly: options.abortEarly as boolean | undefined,
          shard: options.shard as string | undefined,
          resultFile: options.resultFile as string | undefined,
          ...(merge ? { merge } : {}),
          gates: options.gate.length > 0 ? options.gate : undefined,
        },
        { cwd: io.cwd, ...(options.config ? { configPath: options.config } : {}) },
      );
      // Progress goes to stderr, so `--format json` on stdout stays one clean document.
      const quiet = options.progress === false;
      input.log = quiet ? () => {} : (line: string) => io.stderr(`load-test ${line}\n`);
      return { report: await runLoadTest(input), outputs: report.outputs ?? [] };
    },
  )
    .argument("[url]", "the endpoint, exactly as requests should reach it (or load-test.url in mlgate.yml)")
    .option(
      "--rate <rate>",
      "open model: arrivals per second, e.g. 200/s or 12000/min (with --ramp: the starting rate)",
    )
    .option("--duration <time>", "measured phase at --rate, e.g. 30s or 2m (default 30s)")
    .option(
      "--ramp <time:rate>",
      "ramp stage: move linearly to RATE over TIME, e.g. 30s:200/s (repeatable; replaces --duration)",
      collect,
      [],
    )
    .option("--warmup <time>", "load before the measured phase, left out of every metric, e.g. 10s")
    .option(
      "--concurrency <n>",
      "closed model instead: N users, each sending again as soon as its answer arrives",
    )
    .option("--connections <n>", "open model: most connections in flight at once (default 1024)")
    .option("--timeout <time>", "per-request timeout (default 30s)")
    .option("--max-requests <n>", "send at most N requests, warm-up included")
    .addOption(
      new Option("--method <method>", "HTTP method (default POST with --body-file, else GET)").choices([
        "GET",
        "POST",
        "PUT",
        "PATCH",
        "DELETE",
        "HEAD",
        "OPTIONS",
      ]),
    )
    .option(
      "--body-file <file>",
      "request bodies, one per request, cycling: JSONL, or CSV (rows sent as JSON objects)",
    )
    .option(
      "-H, --header <header>",
      "request header 'Name: value'; ${env.NAME} reads the environment (masked), ${seq} and ${uuid} vary per request (repeatable)",
      collect,
      [],
    )
    .option(
      "--stream",
      "server-sent-events endpoint (OpenAI-style): measure TTFT, inter-token latency, tokens/s",
    )
    .option("--response-schema <file>", "JSON Schema every 2xx response body must match")
    .option("--abort-early", "stop as soon as a threshold can no longer pass")
    .option("--shard <i/n>", "run share i of n of the arrival rate and write a mergeable result file")
    .option(
      "--result-file <file>",
      "where to write the mergeable result (default for shards: load-test-shard-I-of-N.json)",
    )
    .option("--merge <files...>", "merge shards' result files and judge the thresholds on the merged result")
    .option("--no-progress", "no progress lines on stderr")
    .addHelpText(
      "after",
      `
Latency is measured from each request's intended start (open model), so a stalled server shows as
latency instead of silently slowing the load (coordinated omission). Thresholds: p50 p90 p95 p99
p99.9 max mean error_rate throughput requests errors errors_5xx errors_timeout … and, with --stream,
ttft_p95 itl_p95 tokens_per_second.

Examples:
  mlgate load-test http://staging:8080/v1/predict --rate 200/s --duration 30s \\
      --body-file inputs.jsonl --gate 'p95 < 250ms' --gate 'error_rate < 0.5%' --gate 'throughput >= 195/s'
  mlgate load-test https://staging/v1/chat/completions --stream --rate 5/s --duration 1m \\
      -H 'Authorization: Bearer \${env.API_TOKEN}' --body-file prompts.jsonl --gate 'ttft_p95 < 800ms'
  mlgate load-test URL --rate 2000/s --duration 5m --shard 2/4          # one matrix job of four
  mlgate load-test --merge results/load-test-shard-*.json --gate 'p99 < 500ms'`,
    );
}

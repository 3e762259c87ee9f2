import {
  FileStateStore,
  resolveCanary,
  runCanary,
  STRATEGIES,
  type Strategy,
  TRAFFIC_KINDS,
  type TrafficKind,
} from "@mlgate/canary";
import { GateError } from "@mlgate/core";
import { type Command, Option } from "commander";
import { type CliIO, collect, gateCommand } from "../gate-command.js";

function number(name: string, check: (x: number) => boolean, expected: string) {
  return (value: string | undefined): number | undefined => {
    if (value === undefined) return undefined;
    const x = Number(value);
    if (value.trim() === "" || !Number.isFinite(x) || !check(x))
      throw new GateError(`--${name} ${value}: expected ${expected}`);
    return x;
  };
}

const timeScale = number(
  "time-scale",
  (x) => x > 0 && x <= 1000,
  "a factor above 0, at most 1000, e.g. 0.01",
);
const confidence = number("confidence", (x) => x > 0.5 && x < 1, "a number between 0.5 and 1, e.g. 0.99");
const minSamples = number(
  "min-samples",
  (x) => Number.isInteger(x) && x >= 2,
  "a whole number of at least 2",
);
const sampleSize = number(
  "sample-size",
  (x) => Number.isInteger(x) && x >= 10 && x <= 100_000_000,
  "a whole number of units per arm, at least 10",
);

export function canaryCommand(io: CliIO, setExitCode: (code: number) => void): Command {
  return gateCommand(
    "canary",
    "move live traffic to a candidate (canary, shadow, blue-green or A/B), judge it against the baseline, and roll back when it is worse",
    io,
    setExitCode,
    async (options) => {
      const metrics = options.metric as string[];
      const shadowOutputs = options.shadowOutput as string[];
      const { input, report } = await resolveCanary(
        {
          provider: options.provider as TrafficKind | undefined,
          baseline: options.baseline as string | undefined,
          candidate: options.candidate as string | undefined,
          baselineVersion: options.baselineVersion as string | undefined,
          candidateVersion: options.candidateVersion as string | undefined,
          steps: options.steps as string | undefined,
          ...(metrics.length > 0 ? { metrics } : {}),
          gates: options.gate.length > 0 ? options.gate : undefined,
          interval: options.interval as string | undefined,
          guard: options.guard as string | undefined,
          timeScale: timeScale(options.timeScale as string | undefined),
          judge: options.judge as "sequential" | "mann-whitney" | undefined,
          confidence: confidence(options.confidence as string | undefined),
          minSamples: minSamples(options.minSamples as string | undefined),
          prometheusUrl: options.prometheusUrl as string | undefined,
          probeRate: options.probeRate as string | undefined,
          prediction: options.prediction as string | undefined,
          environment: options.environment as string | undefined,
          resume: options.resume as "auto" | "restart" | "cleanup" | undefined,
          onFailure: options.onFailure as "rollback" | "pause" | "hold" | undefined,
          strategy: options.strategy as Strategy | undefined,
          mirror: options.mirror as string | undefined,
          duration: options.duration as string | undefined,
          split: options.split as string | undefined,
          sticky: options.sticky as string | undefined,
          promote: options.promote as "manual" | "auto" | undefined,
          sampleSize: sampleSize(options.sampleSize as string | undefined),
          ...(shadowOutputs.length > 0 ? { shadowOutputs } : {}),
          shadowSource: options.shadowSource as "router" | "probe" | undefined,
        },
        { cwd: io.cwd, ...(options.config ? { configPath: options.config } : {}) },
      );
      if (options.state) input.state = new FileStateStore(String(options.state));
      // Progress goes to stderr, so `--format json` on stdout stays one clean document.
      const quiet = options.progress === false;
      const log = quiet ? () => {} : (line: string) => io.stderr(`canary ${line}\n`);
      input.onRouter = (router) => log(`embedded router listening at ${router.url}: send traffic there`);
      // Ctrl-C stops the rollout and rolls back before the command exits.
      const abort = new AbortController();
      const onSignal = () => abort.abort(new Error("interrupted"));
      process.once("SIGINT", onSignal);
      process.once("SIGTERM", onSignal);
      try {
        return {
          report: await runCanary(input, { log, signal: abort.signal }),
          outputs: report.outputs ?? [],
        };
      } finally {
        process.removeListener("SIGINT", onSignal);
        process.removeListener("SIGTERM", onSignal);
      }
    },
  )
    .addOption(
      new Option(
        "--strategy <strategy>",
        "how traffic reaches the candidate (default: canary.strategy, else canary)",
      ).choices(STRATEGIES),
    )
    .addOption(
      new Option(
        "--provider <router>",
        "the router to drive; all but embedded take their settings from canary.traffic (default: canary.traffic.provider, else embedded)",
      ).choices(TRAFFIC_KINDS),
    )
    .option(
      "--baseline <url>",
      "the baseline's endpoint: probed directly, and the embedded router's upstream",
    )
    .option("--candidate <url>", "the candidate's endpoint")
    .option("--baseline-version <label>", "the baseline's version label, for {{version}} in metric queries")
    .option("--candidate-version <label>", "the candidate's version label")
    .option(
      "--steps <plan>",
      "the rollout, e.g. '5% 5m, 25% 10m, 50% 10m, 100%' (a duration on 100% is the guard window)",
    )
    .option(
      "--metric <spec>",
      "a metric as NAME=PROVIDER:QUERY[|key=value…], e.g. p95=probe:latency (repeatable; replaces canary.metrics)",
      collect,
      [],
    )
    .option(
      "--interval <time>",
      "time between looks at the metrics (default a quarter of the shortest step, at most 1m)",
    )
    .option("--guard <time>", "watch window after the promotion")
    .option(
      "--time-scale <factor>",
      "multiply every duration by this, e.g. 0.01 for a dry run of a long plan",
    )
    .addOption(
      new Option("--judge <mode>", "statistical comparison (default sequential)").choices([
        "sequential",
        "mann-whitney",
      ]),
    )
    .option(
      "--confidence <level>",
      "1 − the family-wise false-alarm rate (default 0.99 sequential, 0.98 mann-whitney)",
    )
    .option("--min-samples <n>", "samples per side and step before a metric is judged (default 20)")
    .option("--prometheus-url <url>", "the Prometheus server for prometheus metrics")
    .option("--probe-rate <rate>", "requests per second the probe sends to each version (default 10/s)")
    .option(
      "--prediction <path>",
      "where the score sits in a probe answer, e.g. '$.probabilities[1]' (adds metric score)",
    )
    .option("--environment <name>", "environment the progress is recorded under (default production)")
    .addOption(
      new Option(
        "--resume <mode>",
        "what to do with a rollout an earlier run left open (default auto)",
      ).choices(["auto", "restart", "cleanup"]),
    )
    .addOption(
      new Option("--on-failure <policy>", "what every failure does (default rollback)").choices([
        "rollback",
        "pause",
        "hold",
      ]),
    )
    .option(
      "--mirror <share>",
      "shadow (and blue-green's preview): share of live requests copied to the candidate, e.g. 10%",
    )
    .option(
      "--duration <time>",
      "shadow: how long it runs; blue-green: the preview before the switch; ab: the longest the experiment runs",
    )
    .addOption(
      new Option(
        "--shadow-source <source>",
        "shadow: who sends the candidate its copy (default router)",
      ).choices(["router", "probe"]),
    )
    .option(
      "--shadow-output <spec>",
      "shadow: an answer field to compare, NAME=KIND:PATH, e.g. label=label:$.label (repeatable)",
      collect,
      [],
    )
    .option("--split <share>", "ab: the candidate's share of clients, e.g. 50%")
    .option("--sticky <key>", "ab: what keeps a client on one side, header:NAME or cookie:NAME")
    .addOption(
      new Option(
        "--promote <mode>",
        "ab: promote a winning candidate by itself (auto) or not (manual, default)",
      ).choices(["manual", "auto"]),
    )
    .option("--sample-size <n>", "ab: units per arm where the decision is read")
    .option("--state <file>", "record progress in this JSON file, so a later run resumes or cleans up")
    .option("--no-progress", "no progress lines on stderr")
    .addHelpText(
      "after",
      `
Each step moves the candidate's share of traffic, verifies it by reading the router back, and looks
at the metrics every interval. A threshold that fails, or a statistical comparison showing the
candidate worse than the baseline (sequential: at any look, with the false-alarm rate held at
1 − confidence however often it looks), rolls back at once. Missing data extends the step, then fails.

Thresholds: the metrics' names with delta(), ratio(), psi() and ks(), e.g. 'p95 < 250ms',
'ratio(p95) <= 1.2', 'error_rate < 1%', 'psi(score) < 0.2'. Without metrics, the probe watches
p95, error_rate (and score with --prediction).

Strategies (--strategy): canary (rising shares, the default); shadow (a copy of live traffic goes to
the candidate and users only get the baseline's answers; outputs compared on the same requests with
'agreement(label) >= 98%', 'psi(score) < 0.1', 'ks_p(score) > 0.01'; the verdict says whether it is
safe to canary); blue-green (a preview of the idle candidate, one switch of every user, a guard
window, an automatic switch back); ab (a sticky split decided on a conversion metric, with the effect
and its interval). Their settings live under canary.shadow, canary.blue-green and canary.ab.

Examples:
  mlgate canary --baseline http://127.0.0.1:8081/v1/predict --candidate http://127.0.0.1:8082/v1/predict \\
      --steps '10% 30s, 50% 30s, 100%' --gate 'ratio(p95) <= 1.2' --gate 'error_rate < 1%'
  mlgate canary --config mlgate.yml --candidate-version v42 --state canary-state.json
  mlgate canary --config mlgate.yml --steps '5% 5m, 25% 10m, 100%' --time-scale 0.01   # a dry run
  mlgate canary --config mlgate.yml --strategy shadow --mirror 10% --duration 30m \\
      --shadow-output label=label:$.label --gate 'agreement(label) >= 98%'`,
    );
}

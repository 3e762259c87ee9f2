// biome-ignore-all lint/suspicious/noTemplateCurlyInString: header values are written ${env.NAME}
import { gateSection, thresholdListOf } from "@mlgate/core";
import { z } from "zod";
import { AGGREGATES } from "../metrics/types.js";
import { FAILURE_CLASSES, FAILURE_POLICIES, STRATEGIES } from "../plan/types.js";
import {
  albTrafficSchema,
  cloudwatchSettingsSchema,
  gatewayApiTrafficSchema,
  lambdaTrafficSchema,
  sagemakerTrafficSchema,
} from "../traffic/cloud-index.js";

/**
 * Threshold functions the canary understands besides delta() and ratio(): psi() and ks() on metrics,
 * and on a shadow run's outputs agreement(), accuracy_delta(), mcnemar_p(), psi(), ks() and ks_p().
 */
export const CANARY_FUNCTIONS = [
  "delta",
  "ratio",
  "psi",
  "ks",
  "ks_p",
  "agreement",
  "accuracy_delta",
  "mcnemar_p",
] as const;

const duration = z
  .string()
  .regex(/^\s*\d+(\.\d+)?\s*(ms|s|m|min|h)\s*$/, "a duration such as 30s, 5m or 1h")
  .meta({ examples: ["30s", "5m"] });
const percent = z.union([
  z.number().min(0).max(100),
  z.string().regex(/^\s*\d+(\.\d+)?\s*%\s*$/, "a percentage such as 5%"),
]);
const argv = z.array(z.string().min(1).max(4096)).min(1).max(64);
const headers = z
  .record(
    z.string().regex(/^[A-Za-z0-9!#$%&'*+.^_`|~-]{1,100}$/, "an HTTP header name"),
    z.string().max(8192),
  )
  .refine((h) => Object.keys(h).length <= 64, "at most 64 headers")
  .describe("Request headers; `${env.NAME}` in a value reads the environment (the value is masked).");
const url = z.string().min(1).max(8192);
const policy = z.enum(FAILURE_POLICIES as [string, ...string[]]);
const jsonPath = z
  .string()
  .min(1)
  .max(500)
  .meta({ examples: ["$.label", "$.probabilities[1]"] });
const file = z.string().min(1).max(4096);

const stepItem = z.union([
  z.string().min(1).max(200).describe("One step, e.g. `25% 10m`."),
  z.strictObject({
    weight: percent.describe("The candidate's share of traffic."),
    bake: duration.optional().describe("How long to watch the step (none for the final 100%)."),
  }),
]);

const embedded = z.strictObject({
  provider: z.literal("embedded"),
  listen: z
    .string()
    .regex(/^[\w.:[\]-]*:\d{1,5}$/, "host:port")
    .optional()
    .describe("Where the in-process router listens, `host:port` (default 127.0.0.1 and a free port)."),
});

const nginx = z.strictObject({
  provider: z.literal("nginx"),
  file: z
    .string()
    .min(1)
    .describe("The include file the canary owns: one upstream block, rewritten at every step."),
  upstream: z.string().min(1).max(100).describe("Name of the upstream block."),
  "baseline-servers": z
    .array(z.string().min(1))
    .min(1)
    .max(64)
    .optional()
    .describe("`host:port` of each baseline server (default: from `baseline`)."),
  "candidate-servers": z
    .array(z.string().min(1))
    .min(1)
    .max(64)
    .optional()
    .describe("`host:port` of each candidate server (default: from `candidate`)."),
  "server-params": z
    .string()
    .max(200)
    .optional()
    .describe("Appended to every server line, e.g. `max_fails=3 fail_timeout=10s`."),
  binary: z.string().min(1).optional().describe("The nginx program (default `nginx`)."),
  prefix: z.string().min(1).optional().describe("nginx `-p` prefix."),
  conf: z.string().min(1).optional().describe("nginx `-c` config file."),
  "error-log": z
    .string()
    .min(1)
    .optional()
    .describe("nginx `-e` error log (for runs without write access to the default)."),
  "mirror-file": z
    .string()
    .min(1)
    .optional()
    .describe(
      "A second file the canary owns, included inside the `server { }` serving the model: the mirror directive for shadow traffic goes there.",
    ),
  reload: argv
    .optional()
    .describe("Command that reloads nginx, as a list of arguments (default `nginx -s reload`)."),
  test: z
    .union([argv, z.literal(false)])
    .optional()
    .describe("Command that tests the config before a reload (default `nginx -t -q`); false skips it."),
  live: z
    .strictObject({
      url: url.describe("A URL served through the upstream."),
      header: z.string().min(1).max(100).describe("Response header naming the version that answered."),
      candidate: z.string().min(1).max(200).describe("That header's value when the candidate answered."),
      requests: z.int().min(5).max(10_000).optional().describe("Requests per check (default 40)."),
    })
    .optional()
    .describe(
      "After each reload, send requests through nginx and check the share that reaches the candidate.",
    ),
});

const command = z.strictObject({
  provider: z.literal("command"),
  set: argv.describe(
    "Moves traffic; `{{canary}}` and `{{baseline}}` in any argument become percentages. Run without a shell.",
  ),
  get: argv.describe('Prints the current candidate share: `5`, `canary=5` or `{"canary": 5}`.'),
  promote: argv.optional().describe("Replaces `set` for 100%."),
  rollback: argv.optional().describe("Replaces `set` for 0%."),
  timeout: duration.optional().describe("Per command (default 60s)."),
});

const metric = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z_][\w.]*$/, "a metric name (letters, digits, _ and .)")
    .max(100)
    .describe("What thresholds call it: `p95`, `error_rate`."),
  provider: z
    .enum(["prometheus", "web", "probe", "cloudwatch", "shadow"])
    .describe("Where samples come from (`shadow`: the paired answers of a shadow run)."),
  query: z
    .string()
    .min(1)
    .max(8192)
    .describe(
      "prometheus: PromQL with `{{version}}` (and `{{step}}`); web: a URL with `{{version}}`; cloudwatch: `namespace=… metric=… Dimension={{version}}` or a Metrics Insights query; probe: `latency`, `errors` or `prediction`; shadow: `latency` or `errors`.",
    ),
  path: z
    .string()
    .min(1)
    .max(500)
    .optional()
    .describe("web: where the number sits in the JSON answer, e.g. `$.data.p95`."),
  unit: z
    .string()
    .optional()
    .describe("Unit of the raw values: `s` or `ms` (times), `ratio` (a fraction), `%`, or `none`."),
  aggregate: z
    .enum(AGGREGATES as [string, ...string[]])
    .optional()
    .describe("How a step's samples become the value thresholds see (default mean; probe latency p95)."),
  direction: z.enum(["increase", "decrease"]).optional().describe("Which way is bad (default increase)."),
  compare: z
    .enum(["sequential", "mann-whitney", "shift", "none"])
    .optional()
    .describe("Statistical comparison with the baseline (default: `judge`; probe predictions: shift)."),
  tolerance: percent
    .optional()
    .describe(
      "Relative difference tolerated before a significant one counts (default 5% for times, else 0).",
    ),
  kind: z
    .enum(["continuous", "binary"])
    .optional()
    .describe("`binary`: each sample is 0 or 1 (default: binary for probe errors)."),
  scale: z
    .enum(["log", "linear"])
    .optional()
    .describe("Compare on the log scale (default for times) or as is."),
  "min-samples": z
    .int()
    .min(2)
    .max(1_000_000)
    .optional()
    .describe("Samples per side before the metric is judged (default `min-samples`)."),
});

const output = z.strictObject({
  name: z
    .string()
    .regex(/^[A-Za-z_]\w{0,63}$/, "a plain name")
    .describe("How thresholds name it: `agreement(label)`, `psi(score)`."),
  path: jsonPath
    .meta({ examples: ["$.label", "$.probabilities[1]"] })
    .describe("Where it sits in the model's answer, e.g. `$.label` or `$.probabilities[1]`."),
  kind: z
    .enum(["label", "score"])
    .describe("`label`: compared by agreement (and accuracy once labels arrive); `score`: by PSI and KS."),
});

const shadow = z.strictObject({
  source: z
    .enum(["router", "probe"])
    .optional()
    .describe(
      "Who sends the candidate its copy: `router` (the router mirrors live requests, default) or `probe` (the probe replays requests to both versions).",
    ),
  mirror: percent
    .optional()
    .describe("Share of live requests the router copies to the candidate (default 100%)."),
  duration: duration.optional().describe("How long the shadow run lasts (default 10m)."),
  outputs: z
    .array(output)
    .min(1)
    .max(16)
    .optional()
    .describe("Fields of the answer to compare on the same requests."),
  "min-pairs": z
    .int()
    .min(1)
    .max(1_000_000)
    .optional()
    .describe("Requests answered by both before outputs are judged (default 200)."),
  pairs: z
    .strictObject({
      "baseline-log": file.describe("The baseline's prediction log: JSON lines, one per answered request."),
      "candidate-log": file.describe("The candidate's prediction log."),
      id: jsonPath.optional().describe("Where the request id sits in a line (default `$.id`)."),
      answer: jsonPath.optional().describe("Where the answer sits in a line (default: the line itself)."),
      latency: jsonPath
        .optional()
        .describe("Where the time to answer sits, in ms (for shadow latency metrics)."),
      status: jsonPath.optional().describe("Where the HTTP status sits (for shadow error metrics)."),
    })
    .optional()
    .describe(
      "Where both versions' answers to the same request are read when the router does not pair them itself (nginx, Gateway API): their prediction logs, joined by request id.",
    ),
  labels: z
    .strictObject({
      file: file.describe("JSON lines of ground truth, read as it grows."),
      id: jsonPath.optional().describe("Where the request id sits (default `$.id`)."),
      label: jsonPath.optional().describe("Where the true label sits (default `$.label`)."),
    })
    .optional()
    .describe("Ground truth arriving later: adds accuracy_delta() and mcnemar_p() on label outputs."),
  "save-pairs": file.optional().describe("Write every pair of answers to this JSON-lines file."),
});

const blueGreen = z.strictObject({
  preview: duration
    .optional()
    .describe("How long green is judged before the switch, with no user on it (default 5m)."),
  mirror: percent
    .optional()
    .describe(
      "Share of live requests mirrored to green during the preview (default 0: the probe's traffic only).",
    ),
  guard: duration
    .optional()
    .describe(
      "How long blue stays warm after the switch while green is watched (default: `guard`, else 10m).",
    ),
  "guard-gates": thresholdListOf({ functions: CANARY_FUNCTIONS })
    .optional()
    .describe("Thresholds judged in the guard window instead of `gates`."),
  "guard-metrics": z
    .array(z.string().min(1).max(100))
    .min(1)
    .max(50)
    .optional()
    .describe("Only these metrics are judged in the guard window (default: all)."),
});

const ab = z.strictObject({
  split: percent.optional().describe("The candidate's share of clients (default 50%)."),
  sticky: z
    .union([
      z.strictObject({ header: z.string().min(1).max(64).describe("A request header, e.g. x-client-id.") }),
      z.strictObject({ cookie: z.string().min(1).max(64).describe("A cookie name, e.g. uid.") }),
    ])
    .describe("What keeps a client on one side: the value of a header or a cookie (no value: the baseline)."),
  metric: z
    .strictObject({
      name: z
        .string()
        .regex(/^[A-Za-z_][\w.]*$/)
        .max(100)
        .optional()
        .describe("Its name in the report (default conversion)."),
      events: z
        .union([file, z.array(file).min(1).max(16)])
        .describe(
          "JSON-lines event logs, read as they grow; every event exposes its unit to the side that served it.",
        ),
      unit: jsonPath
        .optional()
        .describe("Where the unit (the sticky key) sits in an event (default `$.client`)."),
      version: jsonPath.optional().describe("Where the serving version's label sits (default `$.version`)."),
      type: jsonPath.optional().describe("Where the event type sits (default `$.event`)."),
      conversion: z
        .string()
        .min(1)
        .max(100)
        .optional()
        .describe("The type of a conversion event (default conversion)."),
      better: z
        .enum(["increase", "decrease"])
        .optional()
        .describe("Which way is better (default increase: more conversions)."),
    })
    .describe("The business metric the experiment decides on: conversions per unit, from events."),
  decision: z
    .enum(["sequential", "fixed"])
    .optional()
    .describe(
      "`sequential` (mSPRT: read at every look, stops at the first convincing evidence; default) or `fixed` (one test at the planned sample size).",
    ),
  "sample-size": z
    .union([
      z.int().min(10).max(100_000_000),
      z.strictObject({
        "baseline-rate": percent.describe("The baseline's expected conversion rate."),
        "minimum-effect": percent.describe(
          "The smallest absolute change worth detecting, e.g. 1% (one point).",
        ),
        power: z.number().gt(0).lt(1).optional().describe("Default 0.8."),
      }),
    ])
    .optional()
    .describe(
      "Units per arm: where the fixed test is read and the sequential one stops undecided; a number, or planned from a rate and an effect.",
    ),
  alpha: z.number().gt(0).lt(0.5).optional().describe("False-positive rate of the decision (default 0.05)."),
  "max-duration": duration.optional().describe("The experiment ends undecided after this long (default 1h)."),
  promote: z
    .enum(["manual", "auto"])
    .optional()
    .describe(
      "`manual` (default): the verdict only, and traffic returns to the baseline; `auto`: promote a candidate that won.",
    ),
});

/** The `canary:` section of mlgate.yml. Paths are relative to the config file. */
export const canarySection = gateSection(
  {
    baseline: url
      .optional()
      .describe(
        "The baseline's endpoint, e.g. http://10.0.0.5:8080/v1/predict: probed directly, and the embedded router's upstream.",
      ),
    candidate: url.optional().describe("The candidate's endpoint."),
    versions: z
      .strictObject({
        baseline: z
          .string()
          .min(1)
          .max(128)
          .optional()
          .describe("The baseline's version label, filled in for `{{version}}` (default `baseline`)."),
        candidate: z
          .string()
          .min(1)
          .max(128)
          .optional()
          .describe(
            "The candidate's version label (default `candidate`); usually given per run with `--candidate-version` or the action's `candidate-version` input.",
          ),
      })
      .optional()
      .describe("Version labels of the two sides, as your metrics carry them."),
    environment: z
      .string()
      .min(1)
      .max(255)
      .optional()
      .describe("Deployment environment the progress is recorded under (default `production`)."),
    strategy: z
      .enum(STRATEGIES as [string, ...string[]])
      .optional()
      .describe(
        "How traffic reaches the candidate: canary (rising shares, default), shadow (a copy of live traffic, users never see its answers), blue-green (one switch after a preview, automatic switch back), ab (a sticky split decided on a business metric).",
      ),
    shadow: shadow.optional().describe("The shadow run (strategy: shadow)."),
    "blue-green": blueGreen.optional().describe("The blue/green switch (strategy: blue-green)."),
    ab: ab.optional().describe("The A/B test (strategy: ab)."),
    steps: z
      .union([z.string().min(1).max(2000), z.array(stepItem).min(1).max(50)])
      .optional()
      .describe(
        "The rollout: `5% 5m, 25% 10m, 50% 10m, 100%`, or a list of steps. The final 100% may carry the guard window.",
      ),
    interval: duration
      .optional()
      .describe("Time between looks at the metrics (default a quarter of the shortest step, at most 1m)."),
    guard: duration
      .optional()
      .describe("Watch window after the promotion; a failure in it still rolls back."),
    "time-scale": z
      .number()
      .gt(0)
      .max(1000)
      .optional()
      .describe("Multiply every duration by this (tests and demos use 0.01)."),
    "max-extensions": z
      .int()
      .min(0)
      .max(20)
      .optional()
      .describe("Times a step is extended when data is short, before it fails (default 2)."),
    "provider-failures": z
      .int()
      .min(1)
      .max(100)
      .optional()
      .describe("Consecutive failures of a metric source that stop the rollout (default 3)."),
    "on-failure": z
      .union([policy, z.strictObject(Object.fromEntries(FAILURE_CLASSES.map((c) => [c, policy.optional()])))])
      .optional()
      .describe(
        "rollback (default), pause or hold; one for all, or per failure class: metric, no-data, provider, router.",
      ),
    resume: z
      .enum(["auto", "restart", "cleanup"])
      .optional()
      .describe(
        "A re-run finding a rollout left open: auto resumes the same candidate (and rolls back another), restart rolls back and starts over, cleanup only rolls back.",
      ),
    judge: z
      .enum(["sequential", "mann-whitney"])
      .optional()
      .describe(
        "Default statistical comparison: sequential (anytime-valid) or mann-whitney (fixed horizon, Kayenta-like).",
      ),
    confidence: z
      .number()
      .gt(0.5)
      .lt(1)
      .optional()
      .describe("1 − the family-wise false-alarm rate (default 0.99 sequential, 0.98 mann-whitney)."),
    "min-samples": z
      .int()
      .min(2)
      .max(1_000_000)
      .optional()
      .describe("Samples per side and step before a metric is judged (default 20)."),
    "psi-limit": z
      .number()
      .gt(0)
      .max(10)
      .optional()
      .describe("A prediction shift above this PSI fails (default 0.2)."),
    "ks-limit": z
      .number()
      .gt(0)
      .max(1)
      .optional()
      .describe("A prediction shift whose KS distance is above this, and significant, fails (default 0.1)."),
    traffic: z
      .discriminatedUnion("provider", [
        embedded,
        nginx,
        command,
        sagemakerTrafficSchema,
        albTrafficSchema,
        lambdaTrafficSchema,
        gatewayApiTrafficSchema,
      ])
      .optional()
      .describe("The router the canary drives (default embedded)."),
    prometheus: z
      .strictObject({
        url: url.describe("Base URL of the Prometheus server."),
        step: duration.optional().describe("Range-query resolution; each point is a sample (default 15s)."),
        delay: duration
          .optional()
          .describe("Stay this far behind real time so the newest scrapes have landed (default two steps)."),
        timeout: duration.optional().describe("Per query (default 10s)."),
        headers: headers.optional(),
      })
      .optional(),
    cloudwatch: cloudwatchSettingsSchema
      .optional()
      .describe(
        "Where cloudwatch metrics are read (region, endpoint, profile) and the defaults of their queries.",
      ),
    web: z.strictObject({ timeout: duration.optional(), headers: headers.optional() }).optional(),
    probe: z
      .strictObject({
        baseline: url.optional().describe("Endpoint to probe for the baseline (default `baseline`)."),
        candidate: url.optional().describe("Endpoint to probe for the candidate (default `candidate`)."),
        rate: z
          .union([z.number().gt(0).max(10_000), z.string().min(1).max(50)])
          .optional()
          .describe("Paired requests per second, e.g. 20/s (default 10/s)."),
        method: z.enum(["GET", "POST", "PUT", "PATCH"]).optional(),
        "body-file": z
          .string()
          .min(1)
          .optional()
          .describe("Request bodies, JSONL or CSV, cycled; the same body goes to both sides."),
        body: z.unknown().optional().describe("One JSON body for every request."),
        headers: headers.optional(),
        timeout: duration.optional().describe("Per request (default 10s)."),
        warmup: duration
          .optional()
          .describe(
            "Requests sent but not recorded before the first step, while both ends warm up (default 1s).",
          ),
        prediction: z
          .string()
          .min(1)
          .max(500)
          .optional()
          .describe(
            "Where the model's score sits in the answer, e.g. `$.probabilities[1]`: adds the prediction-shift metric `score`.",
          ),
      })
      .optional()
      .describe(
        "Traffic the gate sends itself, to both versions, to measure latency, errors and predictions.",
      ),
    metrics: z
      .array(metric)
      .min(1)
      .max(50)
      .optional()
      .describe("What to watch; default with a probe: p95, error_rate (and score with `probe.prediction`)."),
  },
  { functions: CANARY_FUNCTIONS },
);

export type CanarySection = z.output<typeof canarySection>;
export type MetricEntry = z.output<typeof metric>;
export type TrafficEntry = NonNullable<CanarySection["traffic"]>;
export type StepEntry = z.output<typeof stepItem>;
export type ShadowEntry = z.output<typeof shadow>;
export type BlueGreenEntry = z.output<typeof blueGreen>;
export type AbEntry = z.output<typeof ab>;

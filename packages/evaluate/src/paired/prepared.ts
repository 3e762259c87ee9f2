import { type EvalData, METRICS, type MetricName, type PreparedMetric } from "../metrics/index.js";

// Preparing a ranking metric sorts every item (about half a second at a million items); the
// estimate and the metric table ask for the same ones, so each is prepared once per data set.
const cache = new WeakMap<EvalData, Map<MetricName, PreparedMetric>>();

export function prepared(data: EvalData, metric: MetricName): PreparedMetric {
  let byMetric = cache.get(data);
  if (!byMetric) {
    byMetric = new Map();
    cache.set(data, byMetric);
  }
  let p = byMetric.get(metric);
  if (!p) {
    p = METRICS[metric].prepare(data);
    byMetric.set(metric, p);
  }
  return p;
}

import type { ArmCounts } from "../compare/index.js";
import type { PathSegment } from "../metrics/json-path.js";
import { selectPath } from "../metrics/json-path.js";
import type { Versions } from "../metrics/types.js";
import { idAt } from "../shadow/id-of.js";
import { JsonlTail } from "../shadow/jsonl-tail.js";

export interface ConversionEventOptions {
  /** JSON-lines event logs, read as they grow (every version's, or one shared log). */
  files: readonly string[];
  /** Where the unit of the experiment sits in an event: the sticky key (client, user, session). */
  unit: PathSegment[];
  /** Where the version label of the side that served the event sits. */
  arm: PathSegment[];
  /** Where the event's type sits. */
  type: PathSegment[];
  /** The type of a conversion event; every event (of any type) exposes its unit to its side. */
  conversion: string;
  versions: Versions;
}

export interface ConversionCounts {
  baseline: ArmCounts;
  candidate: ArmCounts;
  /** Units seen on both sides (the split was not sticky for them); left out of both arms. */
  crossed: number;
  /** Events whose version label is neither side's. */
  otherArm: number;
  /** Lines that were not JSON or lacked a unit, a version or a type. */
  badLines: number;
  /** Units not counted because the limit was reached. */
  overflow: number;
}

/** Units tracked at most; an experiment beyond this needs a counting store, not an event log. */
export const MAX_UNITS = 2_000_000;

type Arm = "baseline" | "candidate";
interface Unit {
  arm: Arm | "crossed";
  converted: boolean;
}

/**
 * The A/B test's metric: conversions per unit, from event logs. Each unit (the sticky key) counts once
 * in the arm that served it, converted or not; a unit seen on both sides is left out and counted as
 * crossed, so a leaky split shows instead of diluting the effect.
 */
export class ConversionEvents {
  private readonly tails: JsonlTail[];
  private readonly units = new Map<string, Unit>();
  private readonly counts: ConversionCounts = {
    baseline: { n: 0, conversions: 0 },
    candidate: { n: 0, conversions: 0 },
    crossed: 0,
    otherArm: 0,
    badLines: 0,
    overflow: 0,
  };

  constructor(private readonly options: ConversionEventOptions) {
    this.tails = options.files.map((f) => new JsonlTail(f, { what: "event log" }));
  }

  describe(): string {
    return this.options.files.join(", ");
  }

  /** Read what the logs gained since the last call; the running counts. */
  async refresh(): Promise<ConversionCounts> {
    for (const tail of this.tails) {
      const { values, badLines } = await tail.read();
      this.counts.badLines += badLines;
      for (const event of values) this.add(event);
    }
    return this.snapshot();
  }

  snapshot(): ConversionCounts {
    return {
      ...this.counts,
      baseline: { ...this.counts.baseline },
      candidate: { ...this.counts.candidate },
    };
  }

  private add(event: unknown): void {
    const o = this.options;
    const unit = idAt(event, o.unit);
    const label = selectPath(event, o.arm)[0];
    const type = selectPath(event, o.type)[0];
    if (unit === undefined || typeof label !== "string" || typeof type !== "string") {
      this.counts.badLines++;
      return;
    }
    const arm: Arm | undefined =
      label === o.versions.baseline ? "baseline" : label === o.versions.candidate ? "candidate" : undefined;
    if (!arm) {
      this.counts.otherArm++;
      return;
    }
    const converted = type === o.conversion;
    const known = this.units.get(unit);
    if (!known) {
      if (this.units.size >= MAX_UNITS) {
        this.counts.overflow++;
        return;
      }
      this.units.set(unit, { arm, converted });
      this.counts[arm].n++;
      if (converted) this.counts[arm].conversions++;
      return;
    }
    if (known.arm === "crossed") return;
    if (known.arm !== arm) {
      // Seen on both sides: take it out of the arm it was counted in.
      this.counts[known.arm].n--;
      if (known.converted) this.counts[known.arm].conversions--;
      known.arm = "crossed";
      this.counts.crossed++;
      return;
    }
    if (converted && !known.converted) {
      known.converted = true;
      this.counts[arm].conversions++;
    }
  }
}

import { mkdir, rename, writeFile } from "node:fs/promises";
import { dirname } from "node:path";
import { GateError, parseJsonText, readTextFile } from "@mlgate/core";
import { z } from "zod";
import { STRATEGIES } from "../plan/types.js";
import { PHASES } from "./phase.js";
import type { RolloutRecord, StateStore } from "./types.js";

const recordSchema = z.object({
  environment: z.string().max(255),
  candidate: z.string().max(255),
  baseline: z.string().max(255),
  step: z.int().min(0).max(1000),
  steps: z.int().min(1).max(1000),
  weight: z.number().min(0).max(100),
  phase: z.enum(PHASES as [string, ...string[]]),
  reason: z.string().max(2000).optional(),
  strategy: z.enum(STRATEGIES as [string, ...string[]]).optional(),
});

const fileSchema = z.object({
  format: z.literal("mlgate-canary-state"),
  history: z.array(recordSchema).max(10_000),
});

const MAX_STATE_BYTES = 4 * 1024 * 1024;

/** The command line's state: one JSON file with every record, newest last (`--state canary-state.json`). */
export class FileStateStore implements StateStore {
  private history: RolloutRecord[] | undefined;

  constructor(private readonly file: string) {}

  describe(): string {
    return this.file;
  }

  async latest(): Promise<RolloutRecord | undefined> {
    return (await this.load()).at(-1);
  }

  async begin(record: RolloutRecord): Promise<void> {
    await this.update(record);
  }

  async update(record: RolloutRecord): Promise<void> {
    const history = await this.load();
    history.push({ ...record });
    if (history.length > 10_000) history.splice(0, history.length - 10_000);
    await mkdir(dirname(this.file), { recursive: true });
    const temp = `${this.file}.tmp`;
    await writeFile(temp, `${JSON.stringify({ format: "mlgate-canary-state", history }, null, 2)}\n`);
    await rename(temp, this.file);
  }

  private async load(): Promise<RolloutRecord[]> {
    if (this.history) return this.history;
    let text: string;
    try {
      text = await readTextFile(this.file, "canary state file", { maxBytes: MAX_STATE_BYTES });
    } catch (e) {
      if (e instanceof GateError && /not found/.test(e.message)) {
        this.history = [];
        return this.history;
      }
      throw e;
    }
    const parsed = fileSchema.safeParse(parseJsonText(text, this.file, "canary state file"));
    if (!parsed.success) {
      throw new GateError(
        `${this.file} is not a canary state file: ${parsed.error.issues[0]?.message ?? "bad shape"}`,
        {
          location: { file: this.file },
          hint: "point --state at a file this command wrote, or at a new path",
        },
      );
    }
    this.history = parsed.data.history as RolloutRecord[];
    return this.history;
  }
}

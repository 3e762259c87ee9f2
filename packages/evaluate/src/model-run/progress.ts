import type { ResolvedRuntime } from "@mlgate/onnx";

/** Rows per second and the time left, from the share of the dataset's bytes read so far. */
export class Progress {
  private readonly started = performance.now();
  private last = this.started;

  constructor(
    private readonly what: string,
    private readonly totalBytes: number,
    private readonly log: (line: string) => void,
    private readonly intervalMs: number,
  ) {}

  update(rows: number, bytesRead: number): void {
    const now = performance.now();
    if (now - this.last < this.intervalMs) return;
    this.last = now;
    const seconds = (now - this.started) / 1000;
    const share = this.totalBytes > 0 ? Math.min(1, bytesRead / this.totalBytes) : 0;
    const eta =
      share > 0 && share < 1 ? ` · about ${formatSeconds((seconds * (1 - share)) / share)} left` : "";
    this.log(
      `${this.what}: ${rows.toLocaleString("en-US")} rows · ${rate(rows, seconds)} rows/s · ${(share * 100).toFixed(0)}% of the dataset read${eta}`,
    );
  }
}

export function rate(rows: number, seconds: number): string {
  return seconds > 0 ? Math.round(rows / seconds).toLocaleString("en-US") : "-";
}

export function formatSeconds(seconds: number): string {
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const minutes = Math.floor(seconds / 60);
  return `${minutes} min ${Math.round(seconds - minutes * 60)} s`;
}

/** Where the runtime came from, in words. */
export const RUNTIME_SOURCE: Record<ResolvedRuntime["source"], string> = {
  workspace: "the workspace",
  bundled: "mlgate's dependencies",
  "tool-cache": "the tool cache",
  installed: "a fresh install into the tool cache",
};

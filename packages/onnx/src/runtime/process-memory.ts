import { readFileSync } from "node:fs";

export interface ProcessMemory {
  /** Resident memory now, in bytes. */
  rssBytes: number;
  /** Highest resident memory since the process started (the kernel's high-water mark), in bytes. */
  peakRssBytes: number;
}

/** Memory of a live process from /proc (Linux); null where /proc is absent or the process is gone. */
export function readProcessMemory(pid: number): ProcessMemory | null {
  let status: string;
  try {
    status = readFileSync(`/proc/${pid}/status`, "utf8");
  } catch {
    return null;
  }
  const rss = kilobytes(status, "VmRSS");
  if (rss === null) return null;
  const peak = kilobytes(status, "VmHWM") ?? rss;
  return { rssBytes: rss * 1024, peakRssBytes: Math.max(peak, rss) * 1024 };
}

function kilobytes(status: string, field: string): number | null {
  const match = new RegExp(`^${field}:\\s+(\\d+)\\s+kB`, "m").exec(status);
  return match ? Number(match[1]) : null;
}

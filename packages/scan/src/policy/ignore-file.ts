import { readFile } from "node:fs/promises";
import { loadConfigFile } from "@mlgate/core";
import { LineCounter, parseDocument } from "yaml";
import { z } from "zod";

/** OpenVEX's justifications for `not_affected`. */
export const VEX_JUSTIFICATIONS = [
  "component_not_present",
  "vulnerable_code_not_present",
  "vulnerable_code_not_in_execute_path",
  "vulnerable_code_cannot_be_controlled_by_adversary",
  "inline_mitigations_already_exist",
] as const;

export const ignoreEntrySchema = z
  .strictObject({
    id: z
      .string()
      .min(1)
      .max(200)
      .describe("The vulnerability: a CVE id, a GHSA id or the advisory's own id."),
    package: z
      .string()
      .min(1)
      .max(300)
      .optional()
      .describe("Package name the entry covers, as the findings name it."),
    purl: z
      .string()
      .regex(/^pkg:[A-Za-z.+-][A-Za-z0-9.+-]*\/.+/, "a package URL such as pkg:deb/debian/openssl")
      .optional()
      .describe("Package URL the entry covers; without a version it covers every version."),
    path: z
      .string()
      .min(1)
      .max(1000)
      .optional()
      .describe("Path inside the image (or a directory of it) the entry covers."),
    reason: z
      .string()
      .trim()
      .min(10, "say why, in a sentence (at least 10 characters)")
      .max(2000)
      .describe("Why the risk is accepted."),
    expires: z.iso
      .date()
      .describe(
        "Last day (YYYY-MM-DD, UTC) the entry applies; after it the gate fails until it is renewed or removed.",
      ),
    by: z.string().min(1).max(200).optional().describe("Who accepted it."),
    justification: z
      .enum(VEX_JUSTIFICATIONS)
      .optional()
      .describe(
        "OpenVEX justification when the image is not affected at all; exported as a not_affected statement.",
      ),
  })
  .refine((e) => e.package !== undefined || e.purl !== undefined || e.path !== undefined, {
    message: "scope the entry with package, purl or path (an id alone would hide it everywhere)",
  });

export const ignoreFileSchema = z.strictObject({
  version: z.literal(1).optional(),
  ignores: z.array(ignoreEntrySchema).max(10_000).describe("Accepted vulnerabilities."),
});

export type IgnoreEntry = z.output<typeof ignoreEntrySchema>;

export interface IgnoreRule extends IgnoreEntry {
  /** Where the entry is written, for findings about it. */
  file: string;
  line?: number;
}

/**
 * Read an ignore file (YAML or JSON):
 *
 *   ignores:
 *     - id: CVE-2024-0001
 *       package: libssl3
 *       reason: only used for outbound TLS to our own services
 *       expires: 2025-06-30
 *
 * Every entry is checked (scope, reason, a valid expiry date); errors point at the entry's line.
 */
export async function readIgnoreFile(file: string): Promise<IgnoreRule[]> {
  const parsed = await loadConfigFile(file, ignoreFileSchema);
  const lines = await entryLines(file);
  return parsed.ignores.map((entry, i) => ({
    ...entry,
    file,
    ...(lines[i] !== undefined ? { line: lines[i] } : {}),
  }));
}

/** Line of each `ignores[i]` item (YAML positions; JSON parses as YAML too). */
async function entryLines(file: string): Promise<(number | undefined)[]> {
  try {
    const counter = new LineCounter();
    const doc = parseDocument(await readFile(file, "utf8"), { lineCounter: counter });
    const list = doc.get("ignores", true) as { items?: { range?: [number, number, number] }[] } | undefined;
    return (list?.items ?? []).map((item) => (item.range ? counter.linePos(item.range[0]).line : undefined));
  } catch {
    return [];
  }
}

/** Whether the entry still applies on `now` (it lasts through its expiry day, UTC). */
export function isExpired(entry: Pick<IgnoreEntry, "expires">, now: Date): boolean {
  return now.getTime() >= Date.parse(`${entry.expires}T00:00:00Z`) + 24 * 60 * 60 * 1000;
}

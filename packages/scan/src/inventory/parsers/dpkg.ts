import { GateError } from "@mlgate/core";
import { parseStanzas } from "./stanzas.js";

export interface DpkgPackage {
  name: string;
  version: string;
  arch?: string;
  sourceName?: string;
  sourceVersion?: string;
}

/** Package states whose files are on disk; `config-files` and `not-installed` leave only configuration. */
const ON_DISK = new Set([
  "installed",
  "half-configured",
  "unpacked",
  "half-installed",
  "triggers-awaited",
  "triggers-pending",
]);

/**
 * Parse `var/lib/dpkg/status` or a distroless `status.d/*` file. The status file lists removed packages
 * too, so its `Status:` decides; status.d files describe installed packages only and carry no Status.
 */
export function parseDpkgStatus(
  text: string,
  file: string,
  options: { statusRequired: boolean; maxPackages: number },
): DpkgPackage[] {
  const out: DpkgPackage[] = [];
  for (const stanza of parseStanzas(text, file, options.maxPackages)) {
    const where = { file, line: stanza.line };
    const name = stanza.fields.get("package");
    if (!name) {
      throw new GateError(`${file}:${stanza.line}: a package entry without a Package field`, {
        location: where,
      });
    }
    const status = stanza.fields.get("status");
    if (status !== undefined) {
      const state = status.split(/\s+/)[2];
      if (!state || !ON_DISK.has(state)) continue;
    } else if (options.statusRequired) {
      throw new GateError(`${file}:${stanza.line}: package ${name} has no Status field`, { location: where });
    }
    const version = stanza.fields.get("version");
    if (!version) {
      throw new GateError(`${file}:${stanza.line}: installed package ${name} has no Version field`, {
        location: where,
      });
    }
    const pkg: DpkgPackage = { name, version };
    const arch = stanza.fields.get("architecture");
    if (arch) pkg.arch = arch;
    const source = stanza.fields.get("source");
    if (source) {
      // `Source: util-linux (2.38.1-5+deb12u1)` when the binary's version differs from the source's.
      const match = /^(\S+)(?:\s+\(([^)]+)\))?$/.exec(source);
      if (!match) {
        throw new GateError(
          `${file}:${stanza.line}: package ${name} has a malformed Source field "${source}"`,
          {
            location: where,
            hint: 'expected "name" or "name (version)"',
          },
        );
      }
      pkg.sourceName = match[1]!;
      if (match[2]) pkg.sourceVersion = match[2].trim();
    }
    out.push(pkg);
  }
  return out;
}

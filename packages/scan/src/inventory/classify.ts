/** Files whose content the inventory reads, recognized by their path in the merged filesystem. */
export type FileKind =
  | "os-release"
  | "alpine-release"
  | "dpkg-status"
  | "dpkg-status.d"
  | "apk-installed"
  | "rpm-database"
  | "npm-lockfile"
  | "npm-package-json"
  | "python-dist-info"
  | "python-egg-info"
  | "requirements-txt";

/** Fixed places of the OS files; where a symlinked directory moves them, `aliases` finds them. */
export const WELL_KNOWN: Readonly<Record<string, FileKind>> = {
  "etc/os-release": "os-release",
  "usr/lib/os-release": "os-release",
  "etc/alpine-release": "alpine-release",
  "var/lib/dpkg/status": "dpkg-status",
  "lib/apk/db/installed": "apk-installed",
  "var/lib/rpm/rpmdb.sqlite": "rpm-database",
  "var/lib/rpm/Packages": "rpm-database",
  "var/lib/rpm/Packages.db": "rpm-database",
  "usr/lib/sysimage/rpm/rpmdb.sqlite": "rpm-database",
  "usr/lib/sysimage/rpm/Packages.db": "rpm-database",
};

/** `…/node_modules/name/package.json` or `…/node_modules/@scope/name/package.json`, at any depth. */
const NODE_MODULES_PACKAGE = /(?:^|\/)node_modules\/(?:@[^/]+\/)?[^/@.][^/]*\/package\.json$/;
const VENDORED = /(?:^|\/)(?:node_modules|site-packages|dist-packages)\//;

export function classifyPath(path: string): FileKind | undefined {
  const exact = WELL_KNOWN[path];
  if (exact) return exact;
  const slash = path.lastIndexOf("/");
  const base = path.slice(slash + 1);
  const dir = slash < 0 ? "" : path.slice(0, slash);
  // /etc/os-release is often a symlink to a file elsewhere; os-release files are small wherever they are.
  if (base === "os-release") return "os-release";
  if (dir === "var/lib/dpkg/status.d") {
    // Distroless writes one control file per package, plus `.md5sums` lists next to them.
    return base.endsWith(".md5sums") || base.startsWith(".") ? undefined : "dpkg-status.d";
  }
  if (base === "package.json") return NODE_MODULES_PACKAGE.test(path) ? "npm-package-json" : undefined;
  // npm's hidden `node_modules/.package-lock.json` repeats node_modules, which is read directly.
  if (base === "package-lock.json") return VENDORED.test(path) ? undefined : "npm-lockfile";
  if (base === "METADATA" && dir.endsWith(".dist-info")) return "python-dist-info";
  if (base === "PKG-INFO" && dir.endsWith(".egg-info")) return "python-egg-info";
  // Old setuptools wrote `name-1.0-py3.11.egg-info` as a single PKG-INFO file.
  if (base.endsWith(".egg-info") && /(?:^|\/)(?:site|dist)-packages$/.test(dir)) return "python-egg-info";
  if (/^requirements[^/]*\.txt$/.test(base)) return VENDORED.test(path) ? undefined : "requirements-txt";
  return undefined;
}

/** Ecosystems named as OSV names them. Dpkg packages of Ubuntu images are `Ubuntu`, not `Debian`. */
export type Ecosystem = "Debian" | "Ubuntu" | "Alpine" | "npm" | "PyPI";

/** Which file said the package is there. */
export type Evidence =
  | "dpkg-status"
  | "dpkg-status.d"
  | "apk-installed"
  | "npm-lockfile"
  | "npm-package-json"
  | "python-dist-info"
  | "python-egg-info"
  | "requirements-txt";

export interface Package {
  /** As the package database writes it (Python: the declared name, e.g. `PyYAML`; the purl holds the normalized one). */
  name: string;
  version: string;
  ecosystem: Ecosystem;
  purl: string;
  /** dpkg `Source:`, apk origin: the name advisories of these distributions are filed under. */
  sourceName?: string;
  /** dpkg `Source: name (version)`, when the binary's version differs from its source's. */
  sourceVersion?: string;
  arch?: string;
  /** Digest of the layer that introduced this package (not merely the last one that rewrote its database). */
  layer: string;
  /** Path of the file that lists it, relative to the image root. */
  path: string;
  /** Distribution release for OSV's ecosystem suffix: `12` for `Debian:12`, `v3.19` for `Alpine:v3.19`. */
  distroRelease?: string;
  evidence: Evidence;
  /** npm lockfile entries marked `dev` are not listed; `optional` ones are, and say so. */
  optional?: boolean;
}

export type ModelFormat =
  | "pickle"
  | "torch-zip"
  | "joblib"
  | "onnx"
  | "onnx-ort"
  | "safetensors"
  | "keras"
  | "hdf5"
  | "gguf"
  | "numpy"
  | "tflite"
  | "tensorflow-savedmodel";

export interface ModelFile {
  path: string;
  /** Digest of the layer the file was last written in. */
  layer: string;
  format: ModelFormat;
  size: number;
  sha256: string;
  /** Loading it runs Python's unpickler: hand it to validate-artifact's pickle scanner. */
  containsPickle: boolean;
}

export interface OsRelease {
  /** `debian`, `ubuntu`, `alpine` (the `ID=` of /etc/os-release). */
  id: string;
  versionId?: string;
  prettyName?: string;
  versionCodename?: string;
  idLike?: string[];
}

export interface InventoryLayer {
  index: number;
  digest: string;
  diffId?: string;
  size: number;
  createdBy?: string;
  /** Belongs to the base image; undefined when the base is not known. */
  isBase?: boolean;
}

/** A `requirements*.txt` line that names a package without pinning one version (`==`). */
export interface UnpinnedRequirement {
  name: string;
  /** The requirement as written (without comments and options). */
  specifier: string;
  path: string;
  line: number;
  layer: string;
}

/** Something present in the image that was not (or could not be) inventoried. */
export interface InventoryNote {
  kind: "unsupported-database" | "unreadable-file";
  path: string;
  layer: string;
  message: string;
}

export interface Inventory {
  os?: OsRelease;
  packages: Package[];
  modelFiles: ModelFile[];
  layers: InventoryLayer[];
  unpinned: UnpinnedRequirement[];
  notes: InventoryNote[];
  stats: { entries: number; bytes: number; durationMs: number };
}

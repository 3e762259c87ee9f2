import { isGateError } from "@mlgate/core";
import { describe, expect, it } from "vitest";
import {
  alpineReleaseBranch,
  classifyPath,
  detectModel,
  formatPurl,
  npmPurl,
  parseApkInstalled,
  parseDpkgStatus,
  parseInstalledPackageJson,
  parseNpmLockfile,
  parseOsRelease,
  parsePythonMetadata,
  parseRequirements,
  pypiPurl,
} from "../../src/image-index.js";
import { onnxBytes, pickleBytes, safetensorsBytes, torchZipBytes } from "../fixtures/images/model-files.js";

const LIMITS = { maxPackages: 1000 };

function thrown(fn: () => unknown): Error {
  try {
    fn();
  } catch (e) {
    expect(isGateError(e)).toBe(true);
    return e as Error;
  }
  throw new Error("expected a GateError");
}

describe("dpkg status", () => {
  it("keeps packages whose files are on disk and reads Source with and without a version", () => {
    const text = [
      "Package: bsdutils",
      "Status: install ok installed",
      "Architecture: amd64",
      "Source: util-linux (2.38.1-5+deb12u1)",
      "Version: 1:2.38.1-5+deb12u1",
      "Description: basic utilities",
      " continued description",
      " .",
      "",
      "Package: gone",
      "Status: deinstall ok config-files",
      "Version: 1.0",
      "",
      "Package: half",
      "Status: install ok half-configured",
      "Version: 2.0",
      "",
      "Package: purged",
      "Status: purge ok not-installed",
      "",
    ].join("\n");
    expect(parseDpkgStatus(text, "status", { statusRequired: true, ...LIMITS })).toEqual([
      {
        name: "bsdutils",
        version: "1:2.38.1-5+deb12u1",
        arch: "amd64",
        sourceName: "util-linux",
        sourceVersion: "2.38.1-5+deb12u1",
      },
      { name: "half", version: "2.0" },
    ]);
  });

  it("reads distroless status.d files, which carry no Status", () => {
    const text = "Package: libssl3\nVersion: 3.0.11-1~deb12u1\nArchitecture: amd64\nSource: openssl\n";
    expect(parseDpkgStatus(text, "status.d/libssl3", { statusRequired: false, ...LIMITS })).toEqual([
      { name: "libssl3", version: "3.0.11-1~deb12u1", arch: "amd64", sourceName: "openssl" },
    ]);
    expect(
      thrown(() => parseDpkgStatus(text, "status", { statusRequired: true, ...LIMITS })).message,
    ).toMatch(/status:1: package libssl3 has no Status field/);
  });

  it("names the line of what does not parse", () => {
    expect(
      thrown(() => parseDpkgStatus(" orphan continuation\n", "status", { statusRequired: true, ...LIMITS }))
        .message,
    ).toMatch(/status:1: a continuation line outside any field/);
    expect(
      thrown(() =>
        parseDpkgStatus("Package: a\nStatus: install ok installed\n", "s", {
          statusRequired: true,
          ...LIMITS,
        }),
      ).message,
    ).toMatch(/s:1: installed package a has no Version field/);
    expect(
      thrown(() => parseDpkgStatus("Version: 1\n", "s", { statusRequired: false, ...LIMITS })).message,
    ).toMatch(/without a Package field/);
    const many = Array.from({ length: 5 }, (_, i) => `Package: p${i}\nVersion: 1`).join("\n\n");
    expect(
      thrown(() => parseDpkgStatus(many, "s", { statusRequired: false, maxPackages: 3 })).message,
    ).toMatch(/more than 3 packages/);
  });

  it("accepts CRLF line ends and comments", () => {
    const text = "# generated\r\nPackage: a\r\nVersion: 1.0\r\n\r\nPackage: b\r\nVersion: 2.0\r\n";
    expect(parseDpkgStatus(text, "s", { statusRequired: false, ...LIMITS }).map((p) => p.version)).toEqual([
      "1.0",
      "2.0",
    ]);
  });
});

describe("apk installed database", () => {
  it("reads name, version, architecture and origin, skipping file lists", () => {
    const text =
      "C:Q1x=\nP:libcrypto3\nV:3.1.4-r5\nA:x86_64\no:openssl\nF:usr/lib\nR:libcrypto.so.3\nZ:Q1y=\n\nP:musl\nV:1.2.4-r4\n";
    expect(parseApkInstalled(text, "installed", LIMITS)).toEqual([
      { name: "libcrypto3", version: "3.1.4-r5", arch: "x86_64", origin: "openssl" },
      { name: "musl", version: "1.2.4-r4" },
    ]);
  });

  it("refuses lines that are not one-letter fields and entries without a version", () => {
    expect(thrown(() => parseApkInstalled("P:a\nnot a field\n", "installed", LIMITS)).message).toMatch(
      /installed:2: expected "X:value"/,
    );
    expect(thrown(() => parseApkInstalled("P:a\nA:x86_64\n", "installed", LIMITS)).message).toMatch(
      /installed:1: .*without a version/,
    );
  });

  it("names the Alpine release branch OSV uses", () => {
    expect(alpineReleaseBranch("3.19.1\n")).toBe("v3.19");
    expect(alpineReleaseBranch("3.20.0_alpha20240329")).toBe("v3.20");
    expect(alpineReleaseBranch("edge")).toBeUndefined();
  });
});

describe("os-release", () => {
  it("reads quoted and unquoted values", () => {
    const text = `NAME="Ubuntu"\nVERSION_ID="22.04"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="Ubuntu 22.04.4 LTS"\nVERSION_CODENAME=jammy\nBAD LINE\n`;
    expect(parseOsRelease(text)).toEqual({
      id: "ubuntu",
      versionId: "22.04",
      prettyName: "Ubuntu 22.04.4 LTS",
      versionCodename: "jammy",
      idLike: ["debian"],
    });
    expect(parseOsRelease("ID='alpine'\nVERSION_ID=3.19.1\n")).toEqual({ id: "alpine", versionId: "3.19.1" });
    expect(parseOsRelease("NAME=nothing\n")).toBeUndefined();
  });
});

describe("npm", () => {
  it("reads lockfile v3 packages, leaving out dev entries, links and non-registry versions", () => {
    const lock = JSON.stringify({
      lockfileVersion: 3,
      packages: {
        "": { name: "app", version: "1.0.0" },
        "node_modules/a": { version: "1.0.0" },
        "node_modules/a/node_modules/@s/b": { version: "2.0.0", optional: true },
        "node_modules/dev-only": { version: "1.0.0", dev: true },
        "node_modules/alias": { name: "real-pkg", version: "3.0.0" },
        "node_modules/linked": { resolved: "libs/linked", link: true },
        "node_modules/from-git": { version: "git+ssh://git@github.com/x/y.git#abc" },
        "libs/linked": { name: "linked", version: "0.1.0" },
      },
    });
    expect(parseNpmLockfile(lock, "package-lock.json", LIMITS)).toEqual([
      { name: "a", version: "1.0.0" },
      { name: "@s/b", version: "2.0.0", optional: true },
      { name: "real-pkg", version: "3.0.0" },
    ]);
  });

  it("reads lockfile v1 nested dependencies and npm: aliases", () => {
    const lock = JSON.stringify({
      lockfileVersion: 1,
      dependencies: {
        express: { version: "4.17.1", dependencies: { debug: { version: "2.6.9" } } },
        jest: { version: "29.0.0", dev: true, dependencies: { chalk: { version: "4.1.2" } } },
        aliased: { version: "npm:lodash@4.17.21" },
        local: { version: "file:../local" },
      },
    });
    expect(parseNpmLockfile(lock, "package-lock.json", LIMITS)).toEqual([
      { name: "express", version: "4.17.1" },
      { name: "debug", version: "2.6.9" },
      // npm marks every development-only package, nested ones included; an unmarked one is listed.
      { name: "chalk", version: "4.1.2" },
      { name: "lodash", version: "4.17.21" },
    ]);
  });

  it("says what is wrong with a lockfile that is not one", () => {
    expect(thrown(() => parseNpmLockfile("[1,2]", "package-lock.json", LIMITS)).message).toMatch(
      /not a package-lock.json object/,
    );
    expect(thrown(() => parseNpmLockfile("{}", "package-lock.json", LIMITS)).message).toMatch(
      /neither "packages" nor "dependencies"/,
    );
    expect(thrown(() => parseNpmLockfile("{", "package-lock.json", LIMITS)).message).toMatch(
      /is not valid JSON/,
    );
  });

  it("reads installed package.json files", () => {
    expect(parseInstalledPackageJson('{"name":"@scope/x","version":"1.2.3"}', "p")).toEqual({
      name: "@scope/x",
      version: "1.2.3",
    });
    expect(parseInstalledPackageJson('{"name":"x"}', "p")).toBeUndefined();
    expect(parseInstalledPackageJson('{"main":"index.js"}', "p")).toBeUndefined();
  });
});

describe("python", () => {
  it("reads Name and Version from core metadata headers only", () => {
    const text =
      "Metadata-Version: 2.1\nName: PyYAML\nVersion: 5.3.1\nSummary: YAML\n  continued\n\nName: in-the-body\n";
    expect(parsePythonMetadata(text)).toEqual({ name: "PyYAML", version: "5.3.1" });
    expect(parsePythonMetadata("Metadata-Version: 2.1\n\nName: body\nVersion: 1\n")).toEqual({});
  });

  it("reads pinned requirements and tells unpinned ones apart", () => {
    const text = [
      "# comment",
      "-r base.txt",
      "-e git+https://github.com/x/y.git#egg=y",
      "Flask==2.0.1",
      "numpy >= 1.20, < 2",
      "torch[cuda]==2.0.0 --hash=sha256:abc",
      "requests == 2.31.0 ; python_version >= '3.8' # pinned",
      "scipy==1.*",
      "pkg @ https://example.com/pkg-1.0.tar.gz",
      "https://example.com/other.whl",
      "./local-dir",
      "long-name==1.0 \\",
      "    --hash=sha256:def",
      "arbitrary===1.0",
    ].join("\n");
    expect(parseRequirements(text)).toEqual([
      { name: "Flask", pinned: "2.0.1", specifier: "Flask==2.0.1", line: 4 },
      { name: "numpy", specifier: "numpy >= 1.20, < 2", line: 5 },
      { name: "torch", pinned: "2.0.0", specifier: "torch[cuda]==2.0.0", line: 6 },
      { name: "requests", pinned: "2.31.0", specifier: "requests == 2.31.0", line: 7 },
      { name: "scipy", specifier: "scipy==1.*", line: 8 },
      { name: "pkg", specifier: "pkg @ https://example.com/pkg-1.0.tar.gz", line: 9 },
      { name: "long-name", pinned: "1.0", specifier: "long-name==1.0", line: 12 },
      { name: "arbitrary", specifier: "arbitrary===1.0", line: 14 },
    ]);
  });
});

describe("package URLs", () => {
  it("encodes as the purl specification says", () => {
    expect(npmPurl("@angular/core", "16.0.0")).toBe("pkg:npm/%40angular/core@16.0.0");
    expect(pypiPurl("Django_REST.framework", "3.14.0")).toBe("pkg:pypi/django-rest-framework@3.14.0");
    expect(
      formatPurl({
        type: "deb",
        namespace: "debian",
        name: "zlib1g",
        version: "1:1.2.13.dfsg-1",
        qualifiers: { distro: "debian-12", arch: "amd64" },
      }),
    ).toBe("pkg:deb/debian/zlib1g@1:1.2.13.dfsg-1?arch=amd64&distro=debian-12");
    expect(
      formatPurl({
        type: "oci",
        name: "x",
        version: "sha256:ab",
        qualifiers: { repository_url: "r:5000/a/x", tag: undefined },
      }),
    ).toBe("pkg:oci/x@sha256:ab?repository_url=r:5000%2Fa%2Fx");
  });
});

describe("recognizing files", () => {
  it("classifies package files by path", () => {
    const cases: [string, string | undefined][] = [
      ["var/lib/dpkg/status", "dpkg-status"],
      ["var/lib/dpkg/status-old", undefined],
      ["var/lib/dpkg/status.d/libc6", "dpkg-status.d"],
      ["var/lib/dpkg/status.d/libc6.md5sums", undefined],
      ["lib/apk/db/installed", "apk-installed"],
      ["usr/lib/sysimage/rpm/rpmdb.sqlite", "rpm-database"],
      ["app/package-lock.json", "npm-lockfile"],
      ["app/node_modules/.package-lock.json", undefined],
      ["app/node_modules/x/package-lock.json", undefined],
      ["app/node_modules/x/package.json", "npm-package-json"],
      ["app/node_modules/@s/x/package.json", "npm-package-json"],
      ["app/node_modules/x/lib/package.json", undefined],
      ["app/package.json", undefined],
      ["usr/lib/python3/dist-packages/six-1.16.0.dist-info/METADATA", "python-dist-info"],
      ["usr/lib/python3/dist-packages/six-1.16.0.egg-info/PKG-INFO", "python-egg-info"],
      ["usr/lib/python3/dist-packages/six-1.16.0.egg-info", "python-egg-info"],
      ["srv/requirements-prod.txt", "requirements-txt"],
      ["usr/lib/python3/site-packages/x/requirements.txt", undefined],
      ["opt/os-release", "os-release"],
      ["etc/passwd", undefined],
    ];
    expect(cases.map(([path]) => [path, classifyPath(path)])).toEqual(cases);
  });

  it("recognizes model files by their first bytes", () => {
    const head = (b: Buffer) => b.subarray(0, 512);
    expect(detectModel("m/model.pkl", head(pickleBytes()), pickleBytes().length)).toEqual({
      format: "pickle",
      containsPickle: true,
    });
    expect(detectModel("m/no-extension", head(pickleBytes()), pickleBytes().length)).toEqual({
      format: "pickle",
      containsPickle: true,
    });
    expect(detectModel("m/w.pt", head(torchZipBytes()), torchZipBytes().length)).toEqual({
      format: "torch-zip",
      containsPickle: true,
    });
    expect(detectModel("m/w.safetensors", head(safetensorsBytes()), safetensorsBytes().length)).toEqual({
      format: "safetensors",
      containsPickle: false,
    });
    expect(detectModel("m/w.onnx", onnxBytes(), onnxBytes().length)).toEqual({
      format: "onnx",
      containsPickle: false,
    });
    expect(detectModel("m/w.bin", onnxBytes(), onnxBytes().length)).toBeUndefined();
    expect(detectModel("m/w.gguf", Buffer.from("GGUF\u0003\u0000\u0000\u0000"), 100)).toEqual({
      format: "gguf",
      containsPickle: false,
    });
    const npy = Buffer.from(
      "\u0093NUMPY\u0001\u0000v\u0000{'descr': '|O', 'fortran_order': False, 'shape': (2,), }",
      "latin1",
    );
    expect(detectModel("m/a.npy", npy, 200)).toEqual({ format: "numpy", containsPickle: true });
    expect(detectModel("usr/bin/tool", Buffer.from("#!/bin/sh\necho hi\n"), 18)).toBeUndefined();
    expect(detectModel("m/x.zip", head(torchZipBytes()), torchZipBytes().length)).toEqual({
      format: "torch-zip",
      containsPickle: true,
    });
    // A frame longer than the file is not a pickle.
    expect(
      detectModel("m/x", Buffer.from([0x80, 0x04, 0x95, 0xff, 0xff, 0, 0, 0, 0, 0, 0, 0x7d]), 12),
    ).toBeUndefined();
  });
});

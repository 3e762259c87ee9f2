import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DEFAULT_POLICY, runScanImage } from "../../src/index.js";
import { writeExampleImage } from "../fixtures/images/example.js";
import { type RunningRegistry, startRegistry } from "../fixtures/images/registry.js";
import { missingTools, skopeoCopy } from "../fixtures/images/tools.js";
import {
  EXAMPLE_EXPECTED,
  EXAMPLE_EXTRA_ADVISORIES,
  FIXTURE_ADVISORIES,
  writeOsvZip,
} from "../fixtures/osv.js";

const skip = missingTools("registry", "skopeo", "htpasswd");
const USER = { username: "ci", password: "s3cret-registry-pass" };

describe.skipIf(skip)(
  `scan-image from a real docker-registry with basic auth${skip ? ` (skipped: ${skip})` : ""}`,
  () => {
    let registry: RunningRegistry;
    let osv: string;
    beforeAll(async () => {
      const dir = mkdtempSync(join(tmpdir(), "mlgate-scan-registry-"));
      const { ref } = await writeExampleImage(join(dir, "image"));
      osv = writeOsvZip(join(dir, "all.zip"), [...FIXTURE_ADVISORIES, ...EXAMPLE_EXTRA_ADVISORIES]);
      registry = await startRegistry({ htpasswd: USER });
      await skopeoCopy(ref, `docker://${registry.host}/team/model-server:1.0`, [
        "--dest-tls-verify=false",
        `--dest-creds=${USER.username}:${USER.password}`,
      ]);
    });
    afterAll(async () => {
      await registry?.stop();
    });

    it("finds the same vulnerabilities as in the layout, pulled over the distribution API", async () => {
      const report = await runScanImage({
        image: `${registry.host}/team/model-server:1.0`,
        insecureRegistry: true,
        auth: USER,
        osvDb: [osv],
        policy: { ...DEFAULT_POLICY, show: "negligible" },
        gates: [],
      });
      const facts = report.findings
        .filter((f) => f.rule.startsWith("vulnerability"))
        .map((f) => {
          const v = (
            f.properties as {
              vulnerability: {
                id: string;
                severity: string;
                package: { name: string; version: string };
                fixedVersions: string[];
              };
            }
          ).vulnerability;
          return `${v.id} ${v.package.name} ${v.package.version} ${v.severity} fix=${v.fixedVersions.join(",")}`;
        })
        .sort();
      expect(facts).toEqual(EXAMPLE_EXPECTED.map((e) => e.replace(/ layer=\d+$/, "")));
      expect(report.outputs?.image).toBe(`${registry.host}/team/model-server:1.0`);
    });

    it("is an error verdict, not a crash, with the wrong password", async () => {
      await expect(
        runScanImage({
          image: `${registry.host}/team/model-server:1.0`,
          insecureRegistry: true,
          auth: { username: "ci", password: "wrong" },
          osvDb: [osv],
          policy: DEFAULT_POLICY,
          gates: [],
        }),
      ).rejects.toMatchObject({ name: "GateError" });
    });
  },
);

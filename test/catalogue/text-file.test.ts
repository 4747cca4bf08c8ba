/**
 * Catalogue files that are not what they seem: devices, FIFOs, directories, huge files, UTF-16,
 * broken UTF-8. Each is refused with a problem that says why, never a crash or a hang.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, truncateSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { checkCatalogueFile, formatProblem } from "../../catalogue";
import { decode, firstInvalidUtf8, MAX_TEXT_BYTES } from "../../catalogue/text-file";
import { maasProcess as maas } from "../helpers/cli";

const problems = (file: string) => {
  const checked = checkCatalogueFile(file);
  return checked.ok ? [] : checked.problems.map(formatProblem);
};
const dir = () => mkdtempSync(join(tmpdir(), "maas-text-"));

describe("catalogue files", () => {
  it("refuses a device, a FIFO and a directory without reading them", () => {
    expect(problems("/dev/zero")).toEqual([
      "/dev/zero:1:1: (file): cannot be read: is not a regular file (a device, FIFO or socket); give the path of a YAML file [catalogue/readable]",
    ]);
    const fifo = join(dir(), "models.yaml");
    expect(spawnSync("mkfifo", [fifo]).status).toBe(0);
    expect(problems(fifo)).toEqual([
      `${fifo}:1:1: (file): cannot be read: is not a regular file (a device, FIFO or socket); give the path of a YAML file [catalogue/readable]`,
    ]);
    const folder = dir();
    expect(problems(folder)[0]).toBe(
      `${folder}:1:1: (file): cannot be read: is a directory, not a file [catalogue/readable]`,
    );
  });

  it("refuses a file over 16 MiB before reading it", () => {
    const file = join(dir(), "models.yaml");
    writeFileSync(file, "");
    truncateSync(file, MAX_TEXT_BYTES + 1);
    expect(problems(file)).toEqual([
      `${file}:1:1: (file): cannot be read: is ${MAX_TEXT_BYTES + 1} bytes; at most ${MAX_TEXT_BYTES} (16 MiB) are read [catalogue/readable]`,
    ]);
  });

  it("refuses UTF-16 (with or without a byte order mark) and broken UTF-8, naming the byte", () => {
    const text = "apiVersion: maas/v1\n";
    expect(
      decode(Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, "utf16le")])),
    ).toEqual({
      ok: false,
      reason: "is UTF-16 (byte 0); save it as UTF-8",
      offset: 0,
    });
    expect(decode(Buffer.from(text, "utf16le")).ok).toBe(false);
    const broken = Buffer.concat([
      Buffer.from("models: # caf"),
      Buffer.from([0xe9]),
      Buffer.from("\n"),
    ]);
    expect(decode(broken)).toEqual({
      ok: false,
      reason: "is not valid UTF-8 at byte 13; save it as UTF-8",
      offset: 13,
    });
    const file = join(dir(), "models.yaml");
    writeFileSync(file, broken);
    expect(problems(file)).toEqual([
      `${file}:1:1: (file): cannot be read: is not valid UTF-8 at byte 13; save it as UTF-8 [catalogue/readable]`,
    ]);
  });

  it("reads UTF-8 with or without a byte order mark, and knows well-formed UTF-8 from look-alikes", () => {
    expect(decode(Buffer.from("\uFEFFapiVersion: maas/v1\n", "utf8"))).toEqual({
      ok: true,
      text: "apiVersion: maas/v1\n",
    });
    expect(firstInvalidUtf8(Buffer.from("owner: équipe ü 日本 🚀", "utf8"))).toBe(-1);
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xc0, 0xaf]))).toBe(1); // overlong "/"
    expect(firstInvalidUtf8(Uint8Array.from([0xed, 0xa0, 0x80]))).toBe(0); // a surrogate
    expect(firstInvalidUtf8(Uint8Array.from([0x61, 0xe2, 0x82]))).toBe(1); // cut short
  });

  it("maas validate ends at once on /dev/zero and a FIFO: exit 1, no stack trace", () => {
    const fifo = join(dir(), "models.yaml");
    spawnSync("mkfifo", [fifo]);
    for (const file of ["/dev/zero", fifo]) {
      const result = maas(["validate", file]);
      expect(result.status, file).toBe(1);
      expect(result.stdout).toContain("cannot be read: is not a regular file");
      expect(result.stderr).not.toContain("internal error");
    }
  });
});

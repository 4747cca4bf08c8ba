/** Terminal output: colour only for a person at a TTY, 80 columns, natural order, progress on TTYs only. */
import { describe, expect, it } from "vitest";
import { catalogueSummary } from "../../cli/plan-summary";
import { naturalCompare, progress, terminal, wrap } from "../../cli/terminal";
import { resolvedOf, yaml } from "../helpers/catalogue";

describe("terminal", () => {
  it("colours only a TTY, never with NO_COLOR or TERM=dumb; FORCE_COLOR forces it", () => {
    expect(terminal({ isTTY: true }, {}).paint("red", "x")).toBe("\u001b[31mx\u001b[39m");
    expect(terminal({ isTTY: false }, {}).paint("red", "x")).toBe("x");
    expect(terminal({ isTTY: true }, { NO_COLOR: "1" }).color).toBe(false);
    expect(terminal({ isTTY: true }, { TERM: "dumb" }).color).toBe(false);
    expect(terminal({ isTTY: false }, { FORCE_COLOR: "1" }).color).toBe(true);
    expect(terminal({ isTTY: false }, { FORCE_COLOR: "1", NO_COLOR: "1" }).color).toBe(false);
  });

  it("wraps prose at 80 columns with an indent, and keeps short lines as they are", () => {
    const text = `checks: ${"word ".repeat(30).trim()}`;
    const lines = wrap(text, 2).split("\n");
    expect(lines.length).toBeGreaterThan(1);
    for (const line of lines) expect(line.length).toBeLessThanOrEqual(80);
    expect(lines[1]).toMatch(/^ {2}\S/);
    expect(wrap("short")).toBe("short");
    expect(wrap(`  ${"indented ".repeat(12).trim()}`, 6).split("\n")).toEqual([
      `  ${"indented ".repeat(8).trim()}`,
      `      ${"indented ".repeat(4).trim()}`,
    ]);
  });

  it("orders names naturally, the same everywhere", () => {
    expect(["model-10", "model-2", "model-1", "Model-3"].sort(naturalCompare)).toEqual([
      "model-1",
      "model-2",
      "Model-3",
      "model-10",
    ]);
  });

  it("shows progress on a TTY only, and erases it when done", () => {
    const written: string[] = [];
    const tty = progress({ isTTY: true, write: (t: string) => written.push(t) }, "planning");
    tty.update(3);
    tty.done();
    expect(written).toEqual(["\rplanning: 3 resources registered", "\r\u001b[2K"]);
    const piped: string[] = [];
    const plain = progress({ isTTY: false, write: (t: string) => piped.push(t) }, "planning");
    plain.update(3);
    plain.done();
    expect(piped).toEqual([]);
  });

  it("summarises models in natural order, within 80 columns, or one line each", () => {
    const model = (name: string) => [
      `  ${name}:`,
      "    owner: team-with-a-rather-long-name",
      "    image: registry.example.com/m@sha256:" + "a".repeat(64),
      "    gpu: { count: 1 }",
      "    resources: { cpu: 16, memory: 128Gi }",
      '    versions: { "10.10.10": { traffic: 60 }, "9.9.9": { traffic: 40 } }',
    ];
    const catalogue = resolvedOf(
      yaml("apiVersion: maas/v1", "models:", ...model("model-10"), ...model("model-2")),
    );
    const plain = { paint: (_: string, text: string) => text };
    const lines = catalogueSummary(catalogue, plain);
    expect(lines.filter((line) => !line.startsWith("    "))).toEqual([
      "  model-2 (owner team-with-a-rather-long-name)",
      "  model-10 (owner team-with-a-rather-long-name)",
    ]);
    for (const line of lines) expect(line.length, line).toBeLessThanOrEqual(80);
    expect(catalogueSummary(catalogue, plain, true)).toEqual([
      "  model-2   9.9.9 40%, 10.10.10 60%",
      "  model-10  9.9.9 40%, 10.10.10 60%",
    ]);
  });
});

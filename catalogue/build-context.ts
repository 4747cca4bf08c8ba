/**
 * The content digest of a build: every file Docker would send (the context minus what
 * .dockerignore excludes, with Docker's own matching rules), the Dockerfile, the build args and
 * the target. It names the image tag, so a tag is pushed once per content (ECR tags are
 * immutable) and an unchanged context changes nothing in the stack.
 */
import { createHash } from "node:crypto";
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync } from "node:fs";
import { join, posix } from "node:path";
import dockerignore from "@balena/dockerignore";

export interface BuildSpec {
  /** Context directory (absolute, or relative to the working directory). */
  context: string;
  /** Dockerfile path relative to the context. */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
}

/** Files of the context that Docker would send, as sorted POSIX paths relative to it. */
export function contextFiles(context: string, dockerfile = "Dockerfile"): string[] {
  // Docker reads <dockerfile>.dockerignore first, then the context's .dockerignore.
  const candidates = [join(context, `${dockerfile}.dockerignore`), join(context, ".dockerignore")];
  const ignoreFile = candidates.find((file) => existsSync(file));
  const ignore = dockerignore().add(ignoreFile ? readFileSync(ignoreFile, "utf8") : "");
  const files: string[] = [];
  const walk = (relative: string): void => {
    for (const entry of readdirSync(join(context, relative), { withFileTypes: true })) {
      const path = relative ? posix.join(relative, entry.name) : entry.name;
      // Docker can re-include a file below an ignored directory (`!dir/keep`), so walk them all.
      if (entry.isDirectory()) walk(path);
      else if (!ignore.ignores(path)) files.push(path);
    }
  };
  walk("");
  return files.sort();
}

/** `sha256:<hex>` over the context's files, the Dockerfile, the build args and the target. */
export function buildDigest(spec: BuildSpec): string {
  const hash = createHash("sha256");
  const field = (value: string) => hash.update(value).update("\0");
  for (const file of contextFiles(spec.context, spec.dockerfile)) {
    const full = join(spec.context, file);
    const stat = lstatSync(full);
    field(file);
    // Only what the image can observe: content, link targets and the executable bit
    // (not timestamps or other mode bits, which churn between checkouts).
    field(
      stat.isSymbolicLink()
        ? `link:${readlinkSync(full)}`
        : createHash("sha256").update(readFileSync(full)).digest("hex"),
    );
    field((stat.mode & 0o111) !== 0 ? "x" : "-");
  }
  field(`dockerfile:${readFileSync(join(spec.context, spec.dockerfile), "utf8")}`);
  for (const [name, value] of Object.entries(spec.args).sort(([a], [b]) => (a < b ? -1 : 1)))
    field(`arg:${name}=${value}`);
  field(`target:${spec.target ?? ""}`);
  return `sha256:${hash.digest("hex")}`;
}

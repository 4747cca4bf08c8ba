/**
 * The content digest of a build: every file Docker would send (the context minus what
 * .dockerignore excludes, with Docker's own matching rules), the Dockerfile, the build args and
 * the target. It names the image tag, so a tag is pushed once per content (ECR tags are
 * immutable) and an unchanged context changes nothing in the stack.
 *
 * It sees at least what @pulumi/docker-build's own context hash sees (pulumi-docker-build
 * provider/internal/context.go, hashFile: each file's content, path and full mode string, a
 * link's target content): whenever that hash changes, docker-build rebuilds and pushes, and the
 * push must go to a new tag, never to one the immutable repository already holds.
 */
import { createHash } from "node:crypto";
import {
  accessSync,
  constants,
  existsSync,
  lstatSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  realpathSync,
  statSync,
} from "node:fs";
import { isAbsolute, join, posix, relative, sep } from "node:path";
import { DEFAULT_DOCKERFILE } from "./defaults";
import dockerignore from "@balena/dockerignore";

export interface BuildSpec {
  /** Context directory (absolute, or relative to the working directory). */
  context: string;
  /** Dockerfile path relative to the context. */
  dockerfile: string;
  args: Record<string, string>;
  target?: string;
}

/** True when `path` (both real paths) is `root` or below it. */
export function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel === "" || (!rel.startsWith(`..${sep}`) && rel !== ".." && !isAbsolute(rel));
}

export interface ContextScan {
  /** Files Docker would send, as sorted POSIX paths relative to the context. */
  files: string[];
  /** Why the context cannot be built safely, one line each (empty when it can). */
  problems: string[];
}

/**
 * Walks a build context as Docker would send it, reading only directories and regular files: a
 * FIFO would block a read forever and a device could be endless, so anything else is a problem;
 * so is a link that leads outside the context (its target would be sent from elsewhere on disk)
 * and a directory or file that cannot be read.
 */
export function scanContext(context: string, dockerfile = DEFAULT_DOCKERFILE): ContextScan {
  const problems: string[] = [];
  const files: string[] = [];
  let root: string;
  try {
    root = realpathSync(context);
  } catch (error) {
    return { files, problems: [`cannot be read: ${(error as Error).message}`] };
  }
  // Docker reads <dockerfile>.dockerignore first, then the context's .dockerignore.
  const candidates = [join(root, `${dockerfile}.dockerignore`), join(root, ".dockerignore")];
  const ignoreFile = candidates.find((file) => existsSync(file));
  const ignore = dockerignore().add(ignoreFile ? readFileSync(ignoreFile, "utf8") : "");
  const walk = (rel: string): void => {
    let entries;
    try {
      entries = readdirSync(join(root, rel), { withFileTypes: true });
    } catch (error) {
      problems.push(
        `${rel || "."}: cannot be read (${(error as NodeJS.ErrnoException).code ?? "error"})`,
      );
      return;
    }
    for (const entry of entries) {
      const path = rel ? posix.join(rel, entry.name) : entry.name;
      // Docker can re-include a file below an ignored directory (`!dir/keep`), so walk them all.
      if (entry.isDirectory()) {
        walk(path);
        continue;
      }
      if (ignore.ignores(path)) continue;
      if (entry.isSymbolicLink()) {
        let target: string;
        try {
          target = realpathSync(join(root, path));
        } catch {
          files.push(path); // A dangling link is sent as a link; there is nothing to read.
          continue;
        }
        if (!isInside(root, target))
          problems.push(`${path}: is a link to ${target}, outside the build context`);
        else files.push(path);
      } else if (entry.isFile()) {
        try {
          accessSync(join(root, path), constants.R_OK);
          files.push(path);
        } catch {
          problems.push(`${path}: cannot be read (permission denied)`);
        }
      } else problems.push(`${path}: is not a file or directory (a FIFO, socket or device)`);
    }
  };
  walk("");
  return { files: files.sort(), problems };
}

/** Files of the context that Docker would send, as sorted POSIX paths relative to it. */
export function contextFiles(context: string, dockerfile = DEFAULT_DOCKERFILE): string[] {
  const scan = scanContext(context, dockerfile);
  if (scan.problems.length > 0) throw new Error(`${context}: ${scan.problems.join("; ")}`);
  return scan.files;
}

/** `sha256:<hex>` over the context's files, the Dockerfile, the build args and the target. */
export function buildDigest(spec: BuildSpec): string {
  const hash = createHash("sha256");
  const field = (value: string) => hash.update(value).update("\0");
  for (const file of contextFiles(spec.context, spec.dockerfile)) {
    const full = join(spec.context, file);
    const stat = lstatSync(full);
    field(file);
    field(stat.isSymbolicLink() ? `link:${readlinkSync(full)}` : "file");
    // docker-build reads a link's target; a link to a directory or to nothing hashes as empty.
    const target = stat.isSymbolicLink() && existsSync(full) ? statSync(full) : stat;
    field(target.isFile() ? createHash("sha256").update(readFileSync(full)).digest("hex") : "");
    // Every permission bit, as docker-build hashes them: a checkout with another umask is a new
    // build (and so a new tag), not a second push of an existing one.
    field((stat.mode & 0o7777).toString(8));
  }
  field(`dockerfile:${readFileSync(join(spec.context, spec.dockerfile), "utf8")}`);
  for (const [name, value] of Object.entries(spec.args).sort(([a], [b]) => (a < b ? -1 : 1)))
    field(`arg:${name}=${value}`);
  field(`target:${spec.target ?? ""}`);
  return `sha256:${hash.digest("hex")}`;
}

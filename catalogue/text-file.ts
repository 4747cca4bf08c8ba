/**
 * Reads a text input (a catalogue, a stack file) defensively: only a regular file, at most
 * MAX_TEXT_BYTES, in UTF-8. A device (`/dev/zero`), a FIFO or a huge file would exhaust memory
 * or hang; UTF-16 or broken UTF-8 would be silently mangled. Each is refused with what to do.
 */
import { closeSync, constants, fstatSync, openSync, readSync } from "node:fs";

/** The largest catalogue or stack file read: far above any real one (1,000 models are ~300 KB). */
export const MAX_TEXT_BYTES = 16 * 1024 * 1024;

export type TextFile = { ok: true; text: string } | { ok: false; reason: string; offset?: number };

/**
 * The byte offset of the first byte that is not part of well-formed UTF-8 (RFC 3629: no overlong
 * forms, no surrogates, nothing above U+10FFFF), or -1.
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let index = 0;
  while (index < bytes.length) {
    const lead = bytes[index]!;
    if (lead < 0x80) {
      index += 1;
      continue;
    }
    const trailing =
      lead >= 0xc2 && lead <= 0xdf
        ? 1
        : lead >= 0xe0 && lead <= 0xef
          ? 2
          : lead >= 0xf0 && lead <= 0xf4
            ? 3
            : -1;
    if (trailing < 0 || index + trailing >= bytes.length) return index;
    for (let k = 1; k <= trailing; k++) if (((bytes[index + k] ?? 0) & 0xc0) !== 0x80) return index;
    const second = bytes[index + 1]!;
    if (
      (lead === 0xe0 && second < 0xa0) ||
      (lead === 0xed && second > 0x9f) ||
      (lead === 0xf0 && second < 0x90) ||
      (lead === 0xf4 && second > 0x8f)
    )
      return index;
    index += trailing + 1;
  }
  return -1;
}

export function readTextFile(path: string): TextFile {
  let fd: number;
  try {
    // O_NONBLOCK: opening a FIFO must not wait for a writer; it is refused below anyway.
    fd = openSync(path, constants.O_RDONLY | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return {
      ok: false,
      reason:
        code === "ENOENT"
          ? "no such file"
          : code === "EACCES"
            ? "permission denied"
            : code === "EISDIR"
              ? "is a directory, not a file"
              : (error as Error).message,
    };
  }
  try {
    const stat = fstatSync(fd);
    if (stat.isDirectory()) return { ok: false, reason: "is a directory, not a file" };
    if (!stat.isFile())
      return {
        ok: false,
        reason: "is not a regular file (a device, FIFO or socket); give the path of a YAML file",
      };
    if (stat.size > MAX_TEXT_BYTES)
      return {
        ok: false,
        reason: `is ${stat.size} bytes; at most ${MAX_TEXT_BYTES} (16 MiB) are read`,
      };
    const bytes = Buffer.alloc(stat.size);
    let read = 0;
    while (read < bytes.length) {
      const n = readSync(fd, bytes, read, bytes.length - read, read);
      if (n === 0) break;
      read += n;
    }
    return decode(bytes.subarray(0, read));
  } finally {
    closeSync(fd);
  }
}

/** UTF-8 text (a UTF-8 byte order mark is dropped); anything else refused with its byte offset. */
export function decode(bytes: Buffer): TextFile {
  // A byte order mark, or ASCII text with every other byte zero: UTF-16 (little or big endian).
  const zeroes = (first: number) =>
    bytes.length >= 4 && bytes[first] === 0 && bytes[first + 2] === 0;
  if (
    (bytes[0] === 0xff && bytes[1] === 0xfe) ||
    (bytes[0] === 0xfe && bytes[1] === 0xff) ||
    zeroes(0) ||
    zeroes(1)
  )
    return {
      ok: false,
      reason: "is UTF-16 (byte 0); save it as UTF-8",
      offset: 0,
    };
  const offset = firstInvalidUtf8(bytes);
  if (offset >= 0)
    return {
      ok: false,
      reason: `is not valid UTF-8 at byte ${offset}; save it as UTF-8`,
      offset,
    };
  const text = bytes.toString("utf8");
  return { ok: true, text: text.startsWith("\uFEFF") ? text.slice(1) : text };
}

/**
 * Rules on the catalogue as read, before anything it says is judged: a readable file of plain
 * YAML, every key once and as text, the fields and values the schema allows, an environment
 * that exists. source.ts, schema-problems.ts and load.ts report them.
 */
import { defineRules } from "./rule";

export const INPUT_RULES = defineRules("catalogue", {
  readable: {
    description:
      "The catalogue file exists, is a regular file, and is UTF-8 text of a size maas reads.",
    why: "Nothing can be checked or deployed from a file that cannot be read; saying why (missing, a directory, too large, not text) saves a guess.",
    fix: "Point `maas:catalogue` (or the command's file argument) at the models.yaml of the project, saved as UTF-8 text.",
  },
  "yaml-syntax": {
    description:
      "The file is well-formed YAML: indentation, quotes, brackets and anchors as YAML 1.2 reads them.",
    why: "A file the parser cannot read gives no values to check; the parser's own message, at its line and column, says where it stopped.",
    fix: "Correct the YAML at the position given (a tab used for indentation, an unclosed quote or bracket, an alias to an anchor not defined before it).",
  },
  "plain-yaml": {
    description:
      "The file uses only YAML's plain data (text, numbers, booleans, null, lists, maps): the tags `!!str`, `!!int`, `!!float`, `!!bool`, `!!null`, `!!map` and `!!seq` only, each on a value of its own form; no tags that make dates, sets, binary data or custom types; no `__proto__` key.",
    why: "What a tag makes has no place in a catalogue and would be read differently by other tools; a `__proto__` key names a JavaScript object's prototype, so its value would silently vanish.",
    fix: "Write the value without the tag (a date as quoted text, a set as a list), and rename a `__proto__` key.",
  },
  "alias-expansion": {
    description:
      "Aliases (`*name`) expand to no more than a catalogue may hold, and no alias stands inside the node its anchor names.",
    why: 'A file of a few lines can expand to gigabytes through nested aliases ("billion laughs"); CI parses catalogues unattended, and a node containing itself never ends.',
    fix: "Set shared values once under `defaults:` where every model inherits them, or alias smaller parts; alias only nodes defined before and outside the alias.",
  },
  "unique-keys": {
    description: "Every key is written once in its map.",
    why: "A repeated key silently replaces the first in most YAML readers: the value a reviewer reads would not be the one deployed.",
    fix: "Keep one of the two keys (the message gives the first one's line and column) and merge what each says.",
  },
  "text-keys": {
    description:
      "Every key is text: versions such as `2.0` or `1.10` are quoted, and no key is a list or map.",
    why: "YAML reads `2.0:` as the number 2 and `1.10:` as 1.1, so a version would be renamed, or two versions become one, without a word.",
    fix: 'Quote the key as written (`"1.10":`); replace a list or map key by text.',
  },
  "document-shape": {
    description:
      "The file is a map holding `apiVersion: maas/v1` and `models:`, not empty, a list or a single value.",
    why: "Every other rule reads the catalogue's map; an empty or truncated file would otherwise look like a catalogue that removes every model.",
    fix: "Start the file with `apiVersion: maas/v1` and a `models:` map (docs/catalogue.md shows a whole file).",
  },
  "known-keys": {
    description:
      "Every key is one the schema knows at its place: an unknown key is an error that names the closest known one.",
    why: "A misspelt key (`replica` for `replicas`) would otherwise be ignored and its value silently replaced by the default.",
    fix: "Use the key the message suggests, or one of the keys it lists as allowed there (docs/catalogue.md's field tables, models.schema.json).",
  },
  schema: {
    description:
      "Every field has the type, bounds and form the schema gives it: required fields present, numbers in range, names, quantities, durations and image references well formed.",
    why: "A value outside what the platform accepts fails at `pulumi up`, after other changes have applied, or deploys something other than meant; checked here, it is refused at its line.",
    fix: "Give the field a value the message allows; docs/catalogue.md's field tables and models.schema.json state each field's type, bounds and default.",
  },
  "known-environment": {
    description:
      "The environment a stack deploys (`maas:environment`, `--environment`) is declared under `environments:`.",
    why: "An environment the catalogue does not declare is usually a typo, and deploying the base catalogue in its place would give it the wrong traffic and settings.",
    fix: "Declare the environment under `environments:` (even empty, to deploy the base catalogue), or use the name the message suggests.",
  },
});

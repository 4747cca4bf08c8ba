/** What every catalogue rule reads: the parsed file (for positions) and its validated content. */
import type { CatalogueDocument } from "./schema";
import type { CatalogueSource } from "./source";

export interface RuleInput {
  source: CatalogueSource;
  document: CatalogueDocument;
  /** Absolute directory of the catalogue file: build contexts are relative to it. */
  catalogueDir: string;
  /** The project directory (real path): build contexts and Dockerfiles must stay inside it. */
  projectRoot: string;
}

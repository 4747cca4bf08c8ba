/** The catalogue module: models.yaml in, ResolvedCatalogue out. No Pulumi imports. */
export { checkCatalogueFile, checkCatalogueText, resolveChecked } from "./load";
export type { CheckOptions, CheckResult } from "./load";
export { formatProblem } from "./problem";
export type { Problem } from "./problem";
export { resolveCatalogue } from "./resolve";
export type * from "./resolved";
export {
  imageIdentity,
  isColdStandby,
  runningVersions,
  servedVersions,
  wakeTime,
} from "./resolved";
export { catalogueJsonSchema } from "./json-schema";

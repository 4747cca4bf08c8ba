/**
 * Markdown for a pull-request comment from text a catalogue or a plan supplies: nothing in it
 * may become a link, a mention, HTML, emphasis or a broken table. Every such value goes into a
 * code span (where Markdown, HTML and @mentions are literal); a table cell escapes its pipes.
 */

/** A code span holding `text` literally, whatever backticks it contains. */
export function code(value: unknown): string {
  const text = (typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined")).replace(
    /\r?\n/g,
    " ",
  );
  const longest = Math.max(0, ...[...text.matchAll(/`+/g)].map((run) => run[0].length));
  const fence = "`".repeat(longest + 1);
  const pad = text.startsWith("`") || text.endsWith("`") || text === "" ? " " : "";
  return `${fence}${pad}${text}${pad}${fence}`;
}

/**
 * A table cell: GitHub splits a row at every unescaped `|`, code spans included, before it
 * reads them, so each becomes `\|` (shown as `|`).
 */
export function cell(markdown: string): string {
  return markdown.replace(/\|/g, "\\|");
}

/** A value shortened for a table cell: long values keep their start and end. */
export function short(value: unknown, max = 60): string {
  const text = typeof value === "string" ? value : (JSON.stringify(value) ?? "undefined");
  return text.length <= max ? text : `${text.slice(0, max - 21)}…${text.slice(-20)}`;
}

/** `old → new` of a changed value, each in a code span; absent values as such. */
export function beforeAfter(before: unknown, after: unknown): string {
  const side = (value: unknown) => (value === undefined ? "(none)" : code(short(value)));
  return `${side(before)} → ${side(after)}`;
}

/** A collapsed section: GitHub renders <details> in comments. */
export function details(summary: string, body: string[]): string[] {
  return ["<details>", `<summary>${summary}</summary>`, "", ...body, "", "</details>", ""];
}

/** AWS services as their consoles name them, for the few a stack uses. */
const AWS_SERVICES: Record<string, string> = {
  apigateway: "API Gateway",
  cloudwatch: "CloudWatch",
  dynamodb: "DynamoDB",
  ec2: "EC2",
  ecr: "ECR",
  iam: "IAM",
  kms: "KMS",
  lb: "ELB",
  route53: "Route 53",
  s3: "S3",
  secretsmanager: "Secrets Manager",
  sns: "SNS",
  wafv2: "WAF",
};

/** `aws:apigateway/deployment:Deployment` -> `API Gateway Deployment`: which Deployment it is. */
export const displayType = (type: string) => {
  const [pkg = "", module = "", name = ""] = type.split(":");
  const service = module.split("/")[0] ?? "";
  if (pkg === "aws") return `${AWS_SERVICES[service] ?? service} ${name}`;
  if (pkg === "kubernetes") return `Kubernetes ${name}`;
  return name;
};

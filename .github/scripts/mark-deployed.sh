#!/usr/bin/env bash
# Points the tag maas-deployed-<stack> at the commit a rollout run applied (COMMIT), so the
# scheduled drives and the verbs run the code that was approved for that stack, not main's head
# (.github/workflows/maas-rollout.yml). Through the GitHub API with the job's token: the checkout
# keeps no credentials.
set -euo pipefail
stack="$1"
tag="maas-deployed-${stack}"
if ! gh api --method PATCH "repos/${REPOSITORY}/git/refs/tags/${tag}" \
  -f sha="${COMMIT}" -F force=true >/dev/null 2>&1; then
  gh api --method POST "repos/${REPOSITORY}/git/refs" \
    -f ref="refs/tags/${tag}" -f sha="${COMMIT}" >/dev/null
fi
echo "${tag} -> ${COMMIT}"

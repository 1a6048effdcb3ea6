#!/usr/bin/env bash
# Publishes one npm tarball (what the release's build job packed and tested) with npm trusted publishing - the job's
# OIDC token, no long-lived npm token - and a provenance statement: usage npm-publish.sh <tarball>.
# Needs npm >= 11.5.1 (trusted publishing) and no NODE_AUTH_TOKEN. Re-runnable: a version already published from the
# same tarball (same integrity) is left alone; the same version with other contents is an error (npm versions are
# immutable: bump the version).
set -euo pipefail
tarball="${1:?usage: npm-publish.sh <tarball>}"
[ -f "$tarball" ] || { echo "$tarball: no such tarball (npm pack writes it)" >&2; exit 1; }
min=11.5.1
have="$(npm --version)"
node -e '
  const [a, b] = process.argv.slice(1).map((v) => v.split(".").map(Number));
  for (let i = 0; i < 3; i++) if (a[i] !== b[i]) process.exit(a[i] > b[i] ? 0 : 1);
' "$have" "$min" || { echo "npm $have cannot publish with trusted publishing: npm >= $min needed" >&2; exit 1; }
[ -z "${NODE_AUTH_TOKEN:-}" ] || { echo "NODE_AUTH_TOKEN is set: this release publishes with trusted publishing (OIDC) only" >&2; exit 1; }
manifest="$(tar -xOzf "$tarball" package/package.json)"
name="$(node -p 'JSON.parse(process.argv[1]).name' "$manifest")"
version="$(node -p 'JSON.parse(process.argv[1]).version' "$manifest")"
integrity="sha512-$(openssl dgst -sha512 -binary "$tarball" | base64 -w0)"
published="$(npm view "$name@$version" dist.integrity 2> /dev/null || true)"
if [ -n "$published" ]; then
  if [ "$published" = "$integrity" ]; then
    echo "$name@$version is already published from this tarball: nothing to do"
    exit 0
  fi
  echo "$name@$version is already published with other contents ($published; this tarball is $integrity)" >&2
  exit 1
fi
npm publish "$tarball" --provenance --access public

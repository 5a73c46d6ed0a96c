#!/usr/bin/env bash
# The release path for clone images. For each template (all, or those named): build its images
# from this checkout (`asym images build`), tag each as <registry>/<image> (the manifest's own
# reference, e.g. asym/slack-backend:0.1.0, under the registry), push, and print the digest the
# registry answered, which is what a downstream crate's asym.lock pins. A machine missing an
# image pulls the manifest's reference on first use before it would build from source.
#
#   scripts/release-images.sh [--dry-run] [--registry HOST[/NAMESPACE]] [template...]
#
# --dry-run checks every manifest and prints the plan (images, tags, commands) without
# building, tagging or pushing; CI runs it so the release path stays true. Without --dry-run it
# needs `docker login` to the registry. Default registry: docker.io.
set -euo pipefail
cd "$(dirname "$0")/.."

dry_run=0 registry=docker.io templates=()
while [ $# -gt 0 ]; do
  case "$1" in
    --dry-run) dry_run=1 ;;
    --registry) registry=${2:?--registry needs a value}; shift ;;
    -h | --help) sed -n '2,13p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    -*) echo "release-images: unknown option $1" >&2; exit 2 ;;
    *) templates+=("$1") ;;
  esac
  shift
done
if [ ${#templates[@]} -eq 0 ]; then
  for manifest in templates/*/clone.manifest.json; do
    templates+=("$(basename "$(dirname "$manifest")")")
  done
fi

# "<service> <image> <package>" per built service of a template, checked as it is read.
services() {
  python3 - "templates/$1/clone.manifest.json" <<'PY'
import json, re, sys
path = sys.argv[1]
try:
    manifest = json.load(open(path))
except (OSError, ValueError) as err:
    sys.exit(f"release-images: {path}: {err}")
for name, spec in manifest["services"].items():
    image, package = spec.get("image", ""), spec.get("package")
    if not package:
        continue
    if not re.fullmatch(r"[a-z0-9][a-z0-9._/-]*:[A-Za-z0-9._-]+", image):
        sys.exit(f"release-images: {path}: service {name}: image {image!r} is not name:tag")
    print(name, image, package)
PY
}

for template in "${templates[@]}"; do
  [ -f "templates/$template/clone.manifest.json" ] ||
    { echo "release-images: no template $template" >&2; exit 1; }
done

commit=$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)
echo "release-images: commit $commit, registry $registry$([ $dry_run = 1 ] && echo ', dry run')"
run() {
  if [ $dry_run = 1 ]; then echo "  would run: $*"; else "$@"; fi
}
run cargo run -q -p asym-cli -- images build "${templates[@]}"
for template in "${templates[@]}"; do
  while read -r service image package; do
    remote="$registry/$image"
    echo "$template/$service ($package): $image -> $remote"
    run docker tag "$image" "$remote"
    run docker push "$remote"
    if [ $dry_run = 0 ]; then
      echo "  pinned digest: $(docker image inspect -f '{{index .RepoDigests 0}}' "$remote")"
    fi
  done < <(services "$template")
done

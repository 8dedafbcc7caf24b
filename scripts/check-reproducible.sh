#!/usr/bin/env bash
# Is the build reproducible? Clones the repository's HEAD twice, into two temporary directories of different names
# and depths, runs `make build` in each (from scratch: own target/, node_modules/, pkg/, dist/), and compares
#   - the sha256 of dist/whither-chrome.zip and dist/whither-firefox.zip, and
#   - the sha256 and permissions of every file in dist/chrome/ and dist/firefox/,
# prints the result and exits 0 when both builds are byte-identical, 1 when they differ (listing what differs),
# 2 when a build fails. Also checks that the wasm names no directory of the builds or of ~/.cargo (`strings`).
# Only committed files take part (a clone of HEAD): commit first.
#
# Usage: scripts/check-reproducible.sh [--keep]     (--keep leaves both clones in place, to compare them by hand)
# Takes two full builds (about 2 × 2–4 minutes on two cores; crates and npm packages come from the local caches).
set -euo pipefail
cd "$(dirname "$0")/.."
repo=$PWD
export PATH="$HOME/.cargo/bin:$PATH"
keep=0
[ "${1:-}" = --keep ] && keep=1
rev=$(git rev-parse HEAD)
if [ -n "$(git status --porcelain --untracked-files=no)" ]; then
  echo "check-reproducible: note: uncommitted changes are not part of the check (it builds HEAD, ${rev:0:12})" >&2
fi

work=$(mktemp -d "${TMPDIR:-/tmp}/whither-repro-XXXXXX")
cleanup() {
  if [ "$keep" = 1 ]; then echo "check-reproducible: the clones are in $work"; else rm -rf "$work"; fi
}
trap cleanup EXIT
# Nothing of the calling environment's build settings may leak in (a make that runs this script exports them).
unset CARGO_TARGET_DIR CARGO_TARGET_WASM32_UNKNOWN_UNKNOWN_RUSTFLAGS RUSTFLAGS CARGO_BUILD_RUSTFLAGS \
  MAKEFLAGS MFLAGS MAKELEVEL

# The file listing compared: "sha256  mode  path", sorted, for both trees and both zips.
listing() {
  (cd "$1/dist" && {
    sha256sum whither-chrome.zip whither-firefox.zip | awk '{print $1 "  zip  " $2}'
    find chrome firefox -type f -printf '%m %p\n' | LC_ALL=C sort -k2 | while read -r mode file; do
      printf '%s  %s  %s\n' "$(sha256sum "$file" | cut -d' ' -f1)" "$mode" "$file"
    done
  })
}

dirs=("$work/one" "$work/build-two/in/a/deeper/directory")
for d in "${dirs[@]}"; do
  mkdir -p "$(dirname "$d")"
  git clone -q --no-hardlinks "$repo" "$d"
  git -C "$d" checkout -q --detach "$rev"
  echo "check-reproducible: make build in $d" >&2
  start=$SECONDS
  if ! (cd "$d" && make build) >"$d.log" 2>&1; then
    echo "check-reproducible: make build failed in $d:" >&2
    tail -n 30 "$d.log" >&2
    keep=1
    exit 2
  fi
  echo "check-reproducible:   done in $((SECONDS - start)) s" >&2
  listing "$d" >"$d.sha256"
done

status=0
echo "check-reproducible: commit ${rev:0:12}, built in ${dirs[0]} and ${dirs[1]}"
for d in "${dirs[@]}"; do
  leaked=$(strings -n 6 "$d"/dist/chrome/pkg/*.wasm \
    | grep -F -e "$work" -e "${CARGO_HOME:-$HOME/.cargo}" -e "$HOME/" || true)
  if [ -n "$leaked" ]; then
    echo "  DIFFERENT: the wasm built in $d names build directories:"
    printf '    %s\n' "$leaked" | head -n 10
    status=1
  fi
done
if diff -u "${dirs[0]}.sha256" "${dirs[1]}.sha256" >"$work/diff"; then
  files=$(grep -vc '  zip  ' "${dirs[0]}.sha256")
  echo "  identical: both zips and all $files files of dist/chrome/ and dist/firefox/"
  grep '  zip  ' "${dirs[0]}.sha256" | awk '{print "    sha256 " $1 "  dist/" $3}'
else
  echo "  DIFFERENT (- first build, + second build):"
  grep '^[-+][0-9a-f]' "$work/diff" | sed 's/^/    /'
  status=1
fi
[ "$status" = 0 ] && echo "check-reproducible: reproducible" || { echo "check-reproducible: NOT reproducible"; keep=1; }
exit "$status"

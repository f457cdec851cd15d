#!/usr/bin/env bash
# Byte-for-byte comparison of two yibao CLIs over the corpus made by gen.py.
#   compare.sh BASE_BIN NEW_BIN
# Compares stdout, stderr and exit status of: estimate, estimate --parameters,
# estimate --format text, estimate - (stdin) for every case (plus its manifest args),
# validate for every pack, policies, help and a few usage errors.
# Prints one line per difference, then `compared N runs: M differ`.
# Full outputs of the first $KEEP differing runs go to $DIFFS (default $CORPUS/diffs).
# Per-run results (name, mode, exit codes, base error code) go to $DIFFS/../results.tsv.
# Env: CORPUS (default target/corpus), JOBS (parallelism, default 2), KEEP (default 10), DIFFS.
# Run gen.py first (corpus is deterministic: SEED env, default 20240510).
set -u
[ $# -eq 2 ] || { echo "usage: $0 BASE_BIN NEW_BIN" >&2; exit 64; }
BASE=$(readlink -f "$1"); NEW=$(readlink -f "$2")
for b in "$BASE" "$NEW"; do [ -x "$b" ] || { echo "not executable: $b" >&2; exit 64; }; done
HERE=$(cd "$(dirname "$0")" && pwd)
CORPUS=$(readlink -f "${CORPUS:-$HERE/../../target/corpus}")
CASES=$CORPUS/cases; PACKS=$CORPUS/packs
DIFFS=${DIFFS:-$CORPUS/diffs}; KEEP=${KEEP:-10}; JOBS=${JOBS:-2}
RESULTS=$CORPUS/results.tsv
[ -f "$CASES/manifest.tsv" ] || { echo "no corpus: run python3 $HERE/gen.py first" >&2; exit 64; }
# One run at a time: concurrent runs would overwrite each other's diffs/ and results.tsv.
exec 9> "$CORPUS/.compare.lock"
flock -n 9 || { echo "waiting for another compare.sh run to finish..." >&2; flock 9; }
rm -rf "$DIFFS"; mkdir -p "$DIFFS"
WORK=$(mktemp -d /tmp/yibao-compare.XXXXXX); trap 'rm -rf "$WORK"' EXIT

# Job lines: LABEL <TAB> MODE <TAB> STDIN_FILE(or -) <TAB> ARGS (space-separated, no spaces in paths)
{
  while IFS=$'\t' read -r name group extra; do
    f=$CASES/$name.json
    printf '%s\t%s\t-\testimate %s %s\n' "$name" json "$extra" "$f"
    printf '%s\t%s\t-\testimate --parameters %s %s\n' "$name" parameters "$extra" "$f"
    printf '%s\t%s\t-\testimate --format text %s %s\n' "$name" text "$extra" "$f"
    printf '%s\t%s\t%s\testimate %s -\n' "$name" stdin "$f" "$extra"
  done < "$CASES/manifest.tsv"
  for p in "$PACKS"/*.json; do
    printf '%s\t%s\t-\tvalidate %s\n' "pack:$(basename "$p" .json)" validate "$p"
  done
  printf 'cli\tpolicies\t-\tpolicies\n'
  printf 'cli\thelp\t-\t--help\n'
  printf 'cli\tnoargs\t-\t\n'
  printf 'cli\tunknown-cmd\t-\tfrobnicate\n'
  printf 'cli\testimate-nofile\t-\testimate\n'
  printf 'cli\tformat-xml\t-\testimate --format xml %s\n' "$CASES/readme-gansu.json"
  printf 'cli\tparams-text\t-\testimate --parameters --format text %s\n' "$CASES/readme-gansu.json"
  printf 'cli\ttwo-files\t-\testimate %s %s\n' "$CASES/readme-gansu.json" "$CASES/readme-gansu.json"
  printf 'cli\tpolicy-noarg\t-\testimate %s --policy\n' "$CASES/readme-gansu.json"
  printf 'cli\tmissing-case\t-\testimate %s\n' "$CASES/does-not-exist.json"
  printf 'cli\tvalidate-noarg\t-\tvalidate\n'
  printf 'cli\tvalidate-two\t-\tvalidate %s %s\n' "$PACKS/example.json" "$PACKS/example.json"
  printf 'cli\tvalidate-dir\t-\tvalidate %s\n' "$PACKS"
  printf 'cli\tpolicies-extra\t-\tpolicies --format json\n'
} > "$WORK/jobs"

run_job() {
  local line=$1 i label mode input args d bin side streams="" code="-" err rcb rcn
  IFS=$'\t' read -r i label mode input args <<< "$line"
  d=$WORK/$i; mkdir -p "$d"
  for side in base new; do
    bin=$BASE; [ $side = new ] && bin=$NEW
    [ "$input" = - ] && input=/dev/null
    # shellcheck disable=SC2086
    "$bin" $args > "$d/$side.out" 2> "$d/$side.err" < "$input"
    echo $? > "$d/$side.rc"
  done
  rcb=$(< "$d/base.rc"); rcn=$(< "$d/new.rc")
  cmp -s "$d/base.out" "$d/new.out" || streams+="stdout,"
  cmp -s "$d/base.err" "$d/new.err" || streams+="stderr,"
  [ "$rcb" = "$rcn" ] || streams+="exit,"
  err=$(head -c 300 "$d/base.err")
  [[ $err =~ \"code\":\"([a-z_]+)\" ]] && code=${BASH_REMATCH[1]}
  streams=${streams%,}
  printf 'R\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$label" "$mode" "$rcb" "$rcn" "$code" "${streams:--}" "$i"
  [ -z "$streams" ] && rm -rf "$d"
  return 0
}
export -f run_job; export BASE NEW WORK

nl -ba -w1 -s$'\t' "$WORK/jobs" | tr '\n' '\0' | xargs -0 -P "$JOBS" -n 50 bash -c 'for l; do run_job "$l"; done' _ > "$WORK/results"

printf 'label\tmode\trc_base\trc_new\tcode_base\tdiffering\n' > "$RESULTS"
cut -f2-7 "$WORK/results" | sort >> "$RESULTS"
n=$(wc -l < "$WORK/results")
m=0; kept=0
while IFS=$'\t' read -r _ label mode rcb rcn code streams id; do
  [ "$streams" = - ] && continue
  m=$((m + 1))
  echo "DIFF $label $mode: $streams (exit $rcb vs $rcn)"
  if [ $kept -lt "$KEEP" ]; then
    kept=$((kept + 1))
    o=$DIFFS/$(echo "$label-$mode" | tr ':/' '__')
    mkdir -p "$o"
    sed -n "${id}p" "$WORK/jobs" | cut -f4- | sed "s|^|yibao |" > "$o/command"
    sed -n "${id}p" "$WORK/jobs" | cut -f3 | sed "s|^|stdin: |" >> "$o/command"
    cp "$WORK/$id"/* "$o/"
    for s in out err; do diff -u "$o/base.$s" "$o/new.$s" > "$o/$s.diff"; done
  fi
done < <(sort -t$'\t' -k2,3 "$WORK/results")
echo "compared $n runs: $m differ"
[ "$m" -eq 0 ]

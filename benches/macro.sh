#!/usr/bin/env bash
# Macro benchmark: generate, import, index and scan whole registries, stage by stage.
#
#   benches/macro.sh [PERSONS ...]      (default: 100000 1000000)
#
# Prints one table row per stage: wall seconds, peak memory (max RSS), and the scan's pairs.
# Needs GNU time (/usr/bin/time). Works in bench-out/ (git-ignored).
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100000 1000000)
cargo build --release --quiet
bin="$PWD/target/release/unico"
out="$PWD/bench-out"
mkdir -p "$out"

measure() { # label, command...: runs it under GNU time, prints "seconds max_rss_kib"
  local log="$out/time.log"
  /usr/bin/time -v -o "$log" "${@:2}" > "$out/$1.out" 2> "$out/$1.err" || { cat "$out/$1.err" >&2; exit 2; }
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  # wall is [h:]m:ss.ss
  python3 -c "import sys; p=sys.argv[1].split(':'); s=sum(float(x)*60**i for i,x in enumerate(reversed(p))); print(f'{s:.2f} {int(sys.argv[2])/1048576:.2f}')" "$wall" "$rss"
}

printf '%-9s %-10s %9s %9s  %s\n' persons stage seconds 'GiB peak' notes
for persons in "${sizes[@]}"; do
  data="$out/data-$persons"
  rm -rf "$data"
  file="$out/registry-$persons.csv"
  [ -f "$file" ] || "$bin" -q generate --persons "$persons" --seed 2026 --out "$file"
  records=$(($(wc -l < "$file") - 1))
  total=0
  for stage in import index scan; do
    case $stage in
      import) args=(import "$file") ;;
      index) args=(index) ;;
      scan) args=(scan) ;;
    esac
    read -r secs gib < <(measure "$stage-$persons" "$bin" --data-dir "$data" "${args[@]}")
    total=$(python3 -c "print(f'{$total + $secs:.2f}')")
    notes=""
    [ "$stage" = import ] && notes="$records records"
    [ "$stage" = scan ] && notes=$(grep -o '[0-9]* candidate pairs ([0-9.]* per record)' "$out/scan-$persons.out" || true)
    printf '%-9s %-10s %9s %9s  %s\n' "$persons" "$stage" "$secs" "$gib" "$notes"
  done
  printf '%-9s %-10s %9s\n' "$persons" "total" "$total"
  grep '^stages:' "$out/scan-$persons.out" | sed "s/^/$persons    scan /"
done

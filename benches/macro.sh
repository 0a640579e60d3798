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

source benches/measure.sh

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

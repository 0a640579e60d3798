#!/usr/bin/env bash
# Delta scan benchmark: a registry scanned in full, then CHANGES records changed (half of them
# new registrations, half corrections of registered records' names and birth dates), then the
# nightly scan, which compares only those against the whole registry; then a full scan of the
# same registry, whose candidate pairs must be the delta's.
#
#   benches/delta.sh [PERSONS] [CHANGES]      (default: 1000000 10000)
#
# Reuses bench-out/registry-PERSONS.csv and bench-out/data-PERSONS (imported and indexed by
# benches/macro.sh) when they exist. Prints one row per step: wall seconds, peak memory, notes.
set -euo pipefail
cd "$(dirname "$0")/.."
persons=${1:-1000000}
changes=${2:-10000}
cargo build --release --quiet
bin="$PWD/target/release/unico"
out="$PWD/bench-out"
mkdir -p "$out"
source benches/measure.sh

file="$out/registry-$persons.csv"
[ -f "$file" ] || "$bin" -q generate --persons "$persons" --seed 2026 --out "$file"
data="$out/delta-$persons"
rm -rf "$data"
if [ -d "$out/data-$persons" ]; then
  cp -r "$out/data-$persons" "$data"
  rm -f "$data/scan-state.bin"
else
  "$bin" -q --data-dir "$data" import "$file"
fi

# The day's changes: new registrations (fresh NNUs) and corrections (--update).
python3 - "$file" "$changes" "$out/delta-new.csv" "$out/delta-corrections.csv" <<'PY'
import csv, random, sys
source, changes, new_path, corrections_path = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4]
random.seed(2026)
with open(source, newline='', encoding='utf-8') as f:
    reader = csv.reader(f)
    header = next(reader)
    rows = list(reader)
taken = {row[0] for row in rows}
picked = random.sample(rows, changes)
new_rows, corrections = [], []
for i, row in enumerate(picked):
    row = list(row)
    if i % 2 == 0:
        nnu = str(900000000 + i)
        while nnu in taken:
            nnu = str(int(nnu) + 1)
        taken.add(nnu)
        row[0] = nnu
        new_rows.append(row)
    else:
        name = row[1]
        if len(name) > 6:
            j = len(name) // 2
            row[1] = name[:j] + name[j + 1:]
        if row[3] and i % 4 == 1:
            row[3] = row[3][:8] + ('01' if row[3][8:] != '01' else '02')
        corrections.append(row)
for path, body in ((new_path, new_rows), (corrections_path, corrections)):
    with open(path, 'w', newline='', encoding='utf-8') as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(body)
PY

printf '%-9s %-22s %9s %9s  %s\n' persons step seconds 'GiB peak' notes
row() { printf '%-9s %-22s %9s %9s  %s\n' "$persons" "$1" "$2" "$3" "$4"; }
report() { python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print(f\"{r['kind']}: {r['records_compared']} records compared, {r['pairs_scored']} pairs scored, {r['candidate_pairs']} candidate pairs, {r['clusters']} clusters ({r['clusters_new']} new, {r['clusters_resolved']} resolved)\")" "$1"; }
read -r secs gib < <(measure delta-full "$bin" --data-dir "$data" scan --full --report json)
row "full scan" "$secs" "$gib" "$(report "$out/delta-full.out")"
read -r secs gib < <(measure delta-import-new "$bin" -q --data-dir "$data" import "$out/delta-new.csv")
row "import new" "$secs" "$gib" "$((changes / 2)) records"
read -r secs gib < <(measure delta-import-corrections "$bin" -q --data-dir "$data" import --update "$out/delta-corrections.csv")
row "import corrections" "$secs" "$gib" "$((changes - changes / 2)) records"
read -r secs gib < <(measure delta-scan "$bin" --data-dir "$data" scan --report json)
row "delta scan" "$secs" "$gib" "$(report "$out/delta-scan.out")"
python3 -c "import json,sys; r=json.load(open(sys.argv[1])); print('          delta stages: ' + ', '.join(f'{k} {v:.2f}s' for k, v in r['seconds'].items()))" "$out/delta-scan.out"
read -r secs gib < <(measure delta-check "$bin" --data-dir "$data" scan --full --report json)
row "full scan (check)" "$secs" "$gib" "$(report "$out/delta-check.out")"
python3 -c "
import json, sys
delta, full = (json.load(open(p)) for p in sys.argv[1:])
same = delta['candidate_pairs'] == full['candidate_pairs']
print('candidate pairs: delta', delta['candidate_pairs'], 'full', full['candidate_pairs'], 'same' if same else 'DIFFERENT')
sys.exit(0 if same else 1)
" "$out/delta-scan.out" "$out/delta-check.out"

# Shared by the macro benchmark scripts (sourced, with $out set): runs a command under GNU time.
#
#   measure LABEL COMMAND...   prints "seconds max_rss_gib"; the command's output goes to
#                              $out/LABEL.out and $out/LABEL.err
#
# Exit codes 0 and 1 are success (1: done, with something to look at, as `unico scan` says
# when there are new clusters); anything else stops the benchmark.
measure() {
  local log="$out/time.log" rc=0
  /usr/bin/time -v -o "$log" "${@:2}" > "$out/$1.out" 2> "$out/$1.err" || rc=$?
  if [ "$rc" -gt 1 ]; then cat "$out/$1.err" >&2; exit 2; fi
  local wall rss
  wall=$(awk -F': ' '/Elapsed \(wall clock\)/ {print $2}' "$log")
  rss=$(awk -F': ' '/Maximum resident set size/ {print $2}' "$log")
  # wall is [h:]m:ss.ss
  python3 -c "import sys; p=sys.argv[1].split(':'); s=sum(float(x)*60**i for i,x in enumerate(reversed(p))); print(f'{s:.2f} {int(sys.argv[2])/1048576:.2f}')" "$wall" "$rss"
}

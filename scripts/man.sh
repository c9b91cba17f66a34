#!/usr/bin/env bash
# Writes the man pages of the nisac program into DIR from its own --help
# texts (one page for nisac, one per subcommand), so that the pages say
# what the program says.  Usage: scripts/man.sh NISAC DIR
set -euo pipefail
prog=$1; dir=$2
mkdir -p "$dir"
version=$("$prog" version 2>/dev/null | awk '{print $2}')
esc() { sed -e 's/\\/\\e/g' -e 's/^\./\\\&./' -e "s/^'/\\\\\&'/"; }
page() { # name, section title, summary, help text
  {
    printf '.TH %s 1 "" "nisac %s" "nisac manual"\n' "$(echo "$1" | tr a-z A-Z)" "$version"
    printf '.SH NAME\n%s \\- %s\n' "$1" "$3"
    printf '.SH DESCRIPTION\n.nf\n'
    printf '%s\n' "$4" | esc
    printf '.fi\n.SH SEE ALSO\nnisac(1); the documentation in the source tree: docs/cli.md, docs/experiments.md, docs/statistics.md\n'
  } > "$dir/$1.1"
}
page nisac "" "beamforming for NOMA-based integrated sensing and communication" "$("$prog" help)"
for cmd in solve run summarize report plot train; do
  summary=$("$prog" help | awk -v c="$cmd" '$1 == c {$1 = ""; sub(/^ +/, ""); print; exit}')
  page "nisac-$cmd" "" "${summary:-nisac $cmd}" "$("$prog" "$cmd" --help 2>&1)"
done

#!/usr/bin/env bash
# Removes generated artifacts only; everything versioned (Sources, Tests, prompts, inputs/*.jsonl
# samples, outputs/.gitkeep, scripts, README.md, .env.example) stays.
#   outputs/*            results per batch (outputs/.gitkeep stays)
#   inputs/payloads/     JSONL built from payloads
#   inputs/by_process/   compiled prompts (--persist-context)
#   inputs/compiled/     the seed's older context-pack layout
# Usage: scripts/clean.sh [--dry-run]   (run from anywhere; it works on the repository root)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dry_run=0
case "${1:-}" in
    --dry-run|-n) dry_run=1 ;;
    "") ;;
    -h|--help) sed -n '2,9p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "clean.sh: unknown option $1 (use --dry-run)" >&2; exit 2 ;;
esac

remove() {
    if [ "$dry_run" -eq 1 ]; then
        echo "would remove ${1#"$root"/}"
    else
        rm -rf -- "$1"
        echo "removed ${1#"$root"/}"
    fi
}

shopt -s nullglob dotglob
if [ -d "$root/outputs" ]; then
    for entry in "$root"/outputs/*; do
        [ "$(basename "$entry")" = ".gitkeep" ] && continue
        remove "$entry"
    done
fi
for generated in inputs/payloads inputs/by_process inputs/compiled; do
    [ -e "$root/$generated" ] && remove "$root/$generated"
done
exit 0

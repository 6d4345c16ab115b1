#!/usr/bin/env bash
# Removes generated artifacts only; everything versioned (Sources, Tests, prompts, inputs/*.jsonl
# samples, outputs/.gitkeep, scripts, README.md, .env.example) stays.
#   outputs/*            results per batch (the folder of BATCH_OPENAI_OUTPUTS, from the environment
#                        or the repository's .env; relative to the repository root; default outputs/)
#   inputs/payloads/     JSONL built from payloads
#   inputs/by_process/   what --persist-context writes (JSONL per process, context packs, prompts)
#   inputs/compiled/     the seed's older context-pack layout
# Refuses while a `batch-openai serve` uses the outputs folder (it holds a lock on
# outputs/.serve.lock until it exits, even by kill -9), unless --force.
# Usage: scripts/clean.sh [--dry-run] [--force]   (run from anywhere; it works on the repository root)
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
dry_run=0
force=0
for argument in "$@"; do
    case "$argument" in
        --dry-run|-n) dry_run=1 ;;
        --force|-f) force=1 ;;
        -h|--help) sed -n '2,/^[^#]/{/^#/s/^# \{0,1\}//p}' "$0"; exit 0 ;;
        *) echo "clean.sh: unknown option $argument (use --dry-run, --force or --help)" >&2; exit 2 ;;
    esac
done

# The outputs folder as the service finds it: the environment wins over .env, as in batch-openai.
outputs="${BATCH_OPENAI_OUTPUTS:-}"
if [ -z "$outputs" ] && [ -f "$root/.env" ]; then
    outputs="$(sed -n 's/^[[:space:]]*\(export[[:space:]]\{1,\}\)\{0,1\}BATCH_OPENAI_OUTPUTS[[:space:]]*=[[:space:]]*//p' "$root/.env" \
        | tail -n 1 | sed 's/[[:space:]]#.*$//; s/[[:space:]]*$//; s/^"\(.*\)"$/\1/; s/^'"'"'\(.*\)'"'"'$/\1/')"
fi
outputs="${outputs:-outputs}"
case "$outputs" in /*) ;; *) outputs="$root/$outputs" ;; esac

# An exclusive lock is granted only when no server holds its shared one; it is kept until this
# script exits, so none starts on the folder while it is being emptied.
lock="$outputs/.serve.lock"
if [ -e "$lock" ] && [ "$force" -eq 0 ]; then
    exec 9<"$lock"
    if ! flock -n -x 9; then
        echo "clean.sh: a batch-openai server is using ${outputs#"$root"/} (it holds $lock);" \
            "stop it first, or use --force" >&2
        exit 1
    fi
fi

remove() {
    if [ "$dry_run" -eq 1 ]; then
        echo "would remove ${1#"$root"/}"
    else
        rm -rf -- "$1"
        echo "removed ${1#"$root"/}"
    fi
}

shopt -s nullglob dotglob
if [ -d "$outputs" ]; then
    for entry in "$outputs"/*; do
        case "$(basename "$entry")" in .gitkeep|.serve.lock) continue ;; esac
        remove "$entry"
    done
fi
for generated in inputs/payloads inputs/by_process inputs/compiled; do
    [ -e "$root/$generated" ] && remove "$root/$generated"
done
exit 0

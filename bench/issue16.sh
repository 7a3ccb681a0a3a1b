#!/bin/sh
# Every target of issue 16 measured in one run, one benchmark after the other, each
# beside its raw baseline (the scripts print both and the ratio), with the commit, the
# time and the machine's load before and after each. The output goes to the terminal and
# to bench/issue16-<date>-<time>.log (UTC, when the run starts).
#
# The large data are generated beforehand (each takes minutes; the queries take less):
#   DATABASE_URL=$PG/bench_search .venv/bin/python bench/search.py --sizes 1000000
#   .venv/bin/python bench/search.py --sizes 100000 --folder $WHOOSH_FOLDER
#   DATABASE_URL=$PG/bench_lists nice .venv/bin/python bench/lists.py generate
#   nice .venv/bin/python bench/lists.py generate --folder $LISTS_FOLDER
# then, on a quiet machine:
#   sh bench/issue16.sh
# Nothing else should run meanwhile: the figures are a quiet 2-core machine's.
set -u
cd "$(dirname "$0")/.."
# Every library as a production node loads it (from its installed bytecode): with a
# pycache prefix where no bytecode is written (PYTHONDONTWRITEBYTECODE, as on these
# machines), the standard library and every package are compiled from source at each
# start, and the API's create + send then ran 7-10% slower for the whole run
# (2026-12-07: 27.5-27.7% of the bare endpoint with it, 29.9-30.7% without).
unset PYTHONPYCACHEPREFIX
PY=${PY:-.venv/bin/python}
PG=${PG:-postgresql+psycopg://postgres@127.0.0.1:5432}
WHOOSH_FOLDER=${WHOOSH_FOLDER:-/tmp/bench_search_w}
LISTS_FOLDER=${LISTS_FOLDER:-/tmp/bench_lists}
LOG=bench/issue16-$(date -u +%Y-%m-%d-%H%M).log

stamp() {
    echo "##### $1 -- $(date -u '+%Y-%m-%d %H:%M:%S UTC'), commit $(git rev-parse --short HEAD)," \
        "load $(cut -d' ' -f1-3 /proc/loadavg)"
}

step() {
    title=$1
    shift
    stamp "$title: start"
    "$@" 2>&1
    echo "(exit $?)"
    stamp "$title: end"
    echo
}

{
    echo "issue 16, every target in one run: $(nproc) cores, $(uname -sr)"
    step "16.5 search, PostgreSQL, 1M products" \
        env DATABASE_URL="$PG/bench_search" $PY bench/search.py --sizes 1000000 --keep --repeat 20
    step "16.5/16.9 search, Whoosh (embedded default), 100k products" \
        $PY bench/search.py --sizes 100000 --keep --folder "$WHOOSH_FOLDER" --repeat 20
    step "16.6 lists, PostgreSQL, 10k and 1M documents" \
        env DATABASE_URL="$PG/bench_lists" $PY bench/lists.py measure 10000,1000000 --repeat 100
    step "16.6 lists, SQLite, 10k and 1M documents" \
        $PY bench/lists.py measure 10000,1000000 --folder "$LISTS_FOLDER" --repeat 100
    step "16.7 catalog import, PostgreSQL, 100k rows" \
        env DATABASE_URL="$PG/bench_import" $PY bench/catalog_import.py 100000 --formats csv \
        --skip index,export
    step "16.7 catalog import, SQLite, 100k rows" \
        $PY bench/catalog_import.py 100000 --formats csv --skip index,export
    step "16.8 create + send, PostgreSQL, in-process and 8 clients on gunicorn" \
        env DATABASE_URL="$PG/bench_documents" $PY bench/documents.py 0 0 --flows 150 \
        --clients 8 --seconds 20
    step "16.3 several nodes, 60 s" $PY bench/multinode.py --seconds 60
} | tee "$LOG"

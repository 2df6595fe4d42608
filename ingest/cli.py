"""Command line: a thin shell over ingest.land, clickgen (generate), ingest.profile, ingest.glue and the lake's
lock (locked)."""

import argparse
import logging
import os
import signal
import subprocess
import sys
from datetime import date

from ingest import glue, settings
from ingest.errors import IngestError
from ingest.rees46 import DEFAULT_EVENTS_FROM, DEFAULT_EVENTS_UNTIL
from ingest.sources import RAW_SUFFIXES_TEXT


def _land(args: argparse.Namespace) -> int:
    from ingest.land import Window, land

    window = Window(*settings.events_window({
        **os.environ,
        **({"INGEST_EVENTS_FROM": args.events_from} if args.events_from else {}),
        **({"INGEST_EVENTS_UNTIL": args.events_until} if args.events_until else {}),
    }))
    report = land(args.sources, settings.lake_uri(args.lake), window=window, wait=args.wait,
                  allow_empty=args.allow_empty)
    if not report.files and not report.stopped:
        print(f"nothing to land in {' '.join(args.sources)}: no {RAW_SUFFIXES_TEXT} file")
    else:
        print(report.summary())
    if report.stopped:
        return 2
    return 0 if report.ok else 1


def _locked(args: argparse.Namespace) -> int:
    """Run a command (dbt build) holding the lake's lock, so that no landing publishes while it reads the lake.

    An incremental build takes the rows landed after the latest landing time it holds. A landing publishes a file's
    days one after another under one landing time; a build that saw only some of them would take that time as
    built and never read the others. With the lock held no landing is publishing, so a journal in the lake is a
    killed landing's: the build is refused until a landing undoes it (the builder never deletes from the lake,
    and on S3 its role may not)."""
    from ingest.lake import BUILD, PENDING, Lake

    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        raise IngestError("locked: name the command to run after --, e.g. ingest locked -- dbt build")
    lake = Lake.open(settings.lake_uri(args.lake))
    with lake.locked(settings.lock_wait() if args.wait is None else args.wait, BUILD) as lock:
        with lake.storage_errors():
            journals = lake.keys(f"{PENDING}/")
        if journals:
            raise IngestError(f"lake {lake.uri} holds the journal of a landing killed while it published "
                              f"({len(journals)} file(s) in {PENDING}/): run `ingest land` again (a file landed "
                              "before is skipped) to undo it, then build")
        return _run_holding(command, lock)


def _run_holding(command: list[str], lock: int | None) -> int:
    """Run the command until it ends, so that the lock is never released under it. A local lake's lock is
    inherited by the command (flock follows the open file), so it stays held even when this process alone is
    killed with kill -9; SIGTERM and SIGHUP are passed on, and SIGINT (Ctrl-C) reaches the command from the
    terminal itself, so the command stops before the lock is released."""
    try:
        child = subprocess.Popen(command, pass_fds=() if lock is None else (lock,))
    except FileNotFoundError:
        raise IngestError(f"locked: no command {command[0]!r}: is the virtualenv's bin on PATH?") from None
    passed_on = {number: signal.signal(number, lambda received, _: child.send_signal(received))
                 for number in (signal.SIGTERM, signal.SIGHUP)}
    ignored = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        code = child.wait()
    finally:
        for number, handler in [*passed_on.items(), (signal.SIGINT, ignored)]:
            signal.signal(number, handler)
    return code if code >= 0 else 128 - code  # a command ended by a signal: the shell's 128 + its number


def _generate(args: argparse.Namespace) -> int:
    from clickgen import generate

    generate(events=args.events, start=args.start, days=args.days, seed=args.seed, out=args.out,
             remove_from_cart=args.remove_from_cart)
    return 0


def _profile(args: argparse.Namespace) -> int:
    from ingest.profile import profile

    print(profile(args.data))
    return 0


def _register_athena(args: argparse.Namespace) -> int:
    registration = glue.register(settings.lake_uri(args.lake), args.database or settings.raw_database(), args.table,
                                 args.first_date)
    print(registration.summary())
    return 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ingest", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)

    land = commands.add_parser(
        "land",
        help="land raw REES46 CSV files (.csv, .csv.gz, .zip; files or folders) as partitioned Parquet",
    )
    land.add_argument("sources", nargs="+", metavar="SRC", help="a file or a folder, taken literally")
    land.add_argument("--lake", help=f"local folder or s3://bucket/prefix (default: $LAKE_URI, else "
                                     f"{settings.DEFAULT_LAKE_URI})")
    land.add_argument("--events-from", metavar="YYYY-MM-DD",
                      help="earliest event time accepted, inclusive (default: $INGEST_EVENTS_FROM, else "
                           f"{DEFAULT_EVENTS_FROM}); earlier rows are quarantined")
    land.add_argument("--events-until", metavar="YYYY-MM-DD",
                      help="end of the event times accepted, exclusive (default: $INGEST_EVENTS_UNTIL, else "
                           f"{DEFAULT_EVENTS_UNTIL})")
    land.add_argument("--wait", type=float, metavar="SECONDS",
                      help="how long to wait for another landing into the same lake to finish (default: "
                           f"$INGEST_LOCK_WAIT, else {settings.DEFAULT_LOCK_WAIT:g})")
    land.add_argument("--allow-empty", action="store_true",
                      help="a folder with no .csv, .csv.gz or .zip file lands nothing (exit 0) instead of being an "
                           "error: a drop folder on a day with nothing new (make daily)")
    land.set_defaults(run=_land)

    generate = commands.add_parser("generate", help="write a synthetic clickstream CSV in the REES46 format")
    generate.add_argument("--events", type=int, required=True, help="number of events (rows)")
    generate.add_argument("--start", default="2019-10-01", help="first day, YYYY-MM-DD (default 2019-10-01)")
    generate.add_argument("--days", type=int, default=None, help="number of days (default: scaled to --events)")
    generate.add_argument("--seed", type=int, default=0, help="random seed (same seed, same bytes)")
    generate.add_argument("--remove-from-cart", action="store_true", help="also produce remove_from_cart events")
    generate.add_argument("--out", required=True, help="output file, .csv or .csv.gz")
    generate.set_defaults(run=_generate)

    locked = commands.add_parser(
        "locked",
        help="run a command (dbt build) holding the lake's lock, so that no landing publishes while it reads the lake",
    )
    locked.add_argument("--lake", help="local folder or s3://bucket/prefix (default: $LAKE_URI)")
    locked.add_argument("--wait", type=float, metavar="SECONDS",
                        help="how long to wait for a landing into the same lake to finish (default: "
                             f"$INGEST_LOCK_WAIT, else {settings.DEFAULT_LOCK_WAIT:g})")
    locked.add_argument("command", nargs=argparse.REMAINDER, help="-- then the command and its arguments")
    locked.set_defaults(run=_locked)

    profile = commands.add_parser("profile", help="profile a lake or CSV beside the real October 2019 figures")
    profile.add_argument("data", help="a lake folder or a REES46 CSV file")
    profile.set_defaults(run=_profile)

    register = commands.add_parser(
        "register-athena",
        help="register an S3 lake's events in the Glue catalog for Athena (partition projection; idempotent)",
    )
    register.add_argument("--lake", help="s3://bucket/prefix, as landed (default: $LAKE_URI)")
    register.add_argument("--database", help=f"Glue database, created if missing (default: $ATHENA_RAW_DATABASE, "
                                             f"else {settings.DEFAULT_RAW_DATABASE})")
    register.add_argument("--table", default=glue.DEFAULT_TABLE,
                          help=f"table name (default {glue.DEFAULT_TABLE}, the one dbt reads)")
    register.add_argument("--first-date", type=date.fromisoformat,
                          help="first day of the projected partitions, YYYY-MM-DD (default: the earliest landed "
                               "event_date)")
    register.set_defaults(run=_register_athena)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stderr)
    logging.getLogger("botocore").setLevel(logging.WARNING)  # not a line per credential lookup
    try:
        return args.run(args)
    except IngestError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: nothing half-written was published", file=sys.stderr)
        return 130

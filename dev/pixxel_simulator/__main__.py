"""Command line: `PYTHONPATH=dev python -m pixxel_simulator --port 8765 [options]`."""

from __future__ import annotations

import argparse
import signal
import sys
import threading
from typing import List, Optional

from .catalog import TEST_API_KEY
from .faults import Faults
from .server import Simulator
from .state import OUTCOMES, SimConfig


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="python -m pixxel_simulator", description="Pixxel API simulator on loopback.")
    g = p.add_argument_group("server")
    g.add_argument("--host", default="127.0.0.1", help="bind address (default 127.0.0.1)")
    g.add_argument("--port", type=int, default=8765, help="port; 0 picks a free one (default 8765)")
    g.add_argument("--seed", type=int, default=7, help="seed of all generated data (default 7)")
    g.add_argument("--api-key", action="append", dest="api_keys", metavar="KEY",
                   help=f"accepted API key, repeatable (default {TEST_API_KEY})")  # fmt: skip
    g.add_argument("--assets", type=int, default=200, help="assets per finished AOI (default 200)")
    g.add_argument("--aoi-seconds", type=float, default=3.0, help="AOI processing time; 0 = instant (default 3)")
    g.add_argument("--outcome", choices=OUTCOMES, default="success", help="final status of new AOIs")
    g.add_argument("--auth-status", type=int, choices=(401, 403), default=401, help="status for a bad key")
    g.add_argument("--validation-status", type=int, choices=(400, 422), default=400, help="status for bad input")
    g.add_argument("--seed-aois", type=int, default=2, help="finished demo AOIs present at start (default 2)")
    g.add_argument("--start-time", default=None, metavar="ISO",
                   help="timestamps start here instead of the wall clock (reproducible runs)")  # fmt: skip
    g.add_argument("--raster-size", type=int, default=96, metavar="PX",
                   help="pixels per side of the GeoTIFF cubes served by the storage host (64-512, default 96)")
    g.add_argument("--download-seconds", type=float, default=0.0, metavar="S",
                   help="a download request is in_progress this long before its signed URL is given")
    g.add_argument("--url-ttl", type=float, default=900.0, metavar="S", help="signed URLs expire after S seconds")
    g.add_argument("--no-unique-names", dest="unique_names", action="store_false",
                   help="accept a second AOI with an existing name (default: answer 409)")  # fmt: skip
    g.add_argument("--verbose", action="store_true", help="log every request to stderr")
    f = p.add_argument_group("faults (all off by default)")
    f.add_argument("--latency", type=float, default=0.0, metavar="S", help="delay every request by S seconds")
    f.add_argument("--error-burst", type=int, default=0, metavar="N", help="next N requests answer --error-status")
    f.add_argument("--error-status", type=int, default=500, help="status of --error-burst (default 500)")
    f.add_argument("--html-errors", type=int, default=0, metavar="N", help="next N requests answer a 502 HTML page")
    f.add_argument("--rate-limit", type=int, default=0, metavar="N", help="next N requests answer 429")
    f.add_argument("--retry-after", type=float, default=1.0, metavar="S", help="Retry-After of 429 (default 1)")
    f.add_argument("--resets", type=int, default=0, metavar="N", help="next N connections are reset")
    f.add_argument("--slow-body", type=float, default=0.0, metavar="S", help="stall response bodies S seconds")
    f.add_argument("--slow-bodies", type=int, default=None, metavar="N", help="only the next N bodies are slow")
    f.add_argument("--malformed", type=int, default=0, metavar="N", help="next N responses carry broken JSON")
    f.add_argument("--drift", action="store_true", help="schema drift: extra/missing fields, null geometry")
    f.add_argument("--lose-create", type=int, default=0, metavar="N",
                   help="next N creates are committed but their response is lost")  # fmt: skip
    f.add_argument("--revoke-key-after", type=int, default=None, metavar="N", help="key refused after N requests")
    f.add_argument("--fault-path", default=None, metavar="REGEX", help="faults only on paths matching REGEX")
    f.add_argument("--fault-methods", default=None, metavar="M1,M2", help="faults only on these methods")
    return p


def config_from_args(args: argparse.Namespace) -> SimConfig:
    faults = Faults(
        latency_s=args.latency,
        error_burst=args.error_burst,
        error_status=args.error_status,
        html_errors=args.html_errors,
        rate_limit=args.rate_limit,
        retry_after_s=args.retry_after,
        resets=args.resets,
        slow_body_s=args.slow_body,
        slow_bodies=args.slow_bodies,
        malformed=args.malformed,
        drift=args.drift,
        lose_create_response=args.lose_create,
        revoke_key_after=args.revoke_key_after,
        path_filter=args.fault_path,
        methods=frozenset(m.strip().upper() for m in args.fault_methods.split(",") if m.strip())
        if args.fault_methods
        else None,
    )
    return SimConfig(
        seed=args.seed,
        api_keys=tuple(args.api_keys or (TEST_API_KEY,)),
        asset_count=args.assets,
        aoi_duration_s=args.aoi_seconds,
        outcome=args.outcome,
        auth_status=args.auth_status,
        validation_status=args.validation_status,
        seed_aois=args.seed_aois,
        start_time=args.start_time,
        raster_size=args.raster_size,
        download_seconds=args.download_seconds,
        url_ttl_s=args.url_ttl,
        unique_names=args.unique_names,
        faults=faults,
    )


def main(argv: Optional[List[str]] = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        config = config_from_args(args)
    except ValueError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    sim = Simulator(config, host=args.host, port=args.port, verbose=args.verbose)
    try:
        sim.start()
    except OSError as exc:
        print(f"error: cannot listen on {args.host}:{args.port}: {exc}", file=sys.stderr)
        return 1
    print(f"Pixxel simulator listening on {sim.url}", flush=True)
    print(f"Storage host (signed download links) on {sim.storage.url}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    try:
        while not done.wait(0.5):
            pass
    except KeyboardInterrupt:
        pass
    finally:
        sim.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

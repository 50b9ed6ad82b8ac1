"""CLI: python -m auth0_emulator --tenants 3 --info-file info.json ..."""
import argparse
import json
import os
import signal
import sys
import threading

from .emulator import Emulator
from .inventory import how_to, write_inventory


def main(argv=None):
    parser = argparse.ArgumentParser(prog="auth0_emulator", description=__doc__)
    parser.add_argument("--tenants", type=int, default=1, help="number of tenants (tenant1..N)")
    parser.add_argument("--names", help="comma-separated tenant names (overrides --tenants)")
    parser.add_argument("--latency-ms", type=float, default=0)
    parser.add_argument("--build-seconds", type=float, default=0.3)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--plan", default="enterprise", choices=["enterprise", "self_service"])
    parser.add_argument("--info-file", help="write the connection info JSON here")
    parser.add_argument("--cert-dir", help="directory for ca.pem (default: a temp dir)")
    parser.add_argument("--inventory", help="write an Ansible inventory of the tenants here and print how to use it")
    parser.add_argument("--ansible-playbook", default="ansible-playbook",
                        help="the ansible-playbook command shown with --inventory")
    args = parser.parse_args(argv)
    tenants = [n.strip() for n in args.names.split(",") if n.strip()] if args.names else args.tenants
    if args.cert_dir:
        args.cert_dir = os.path.abspath(args.cert_dir)
    emu = Emulator(tenants=tenants, latency_ms=args.latency_ms, build_seconds=args.build_seconds,
                   seed=args.seed, plan=args.plan, cert_dir=args.cert_dir)
    stop = threading.Event()
    signal.signal(signal.SIGTERM, lambda *a: stop.set())
    signal.signal(signal.SIGINT, lambda *a: stop.set())
    emu.start()
    try:
        info = json.dumps(emu.info(), indent=2)
        if args.info_file:
            tmp = args.info_file + ".tmp"
            with open(tmp, "w") as handle:
                handle.write(info + "\n")
            os.replace(tmp, args.info_file)  # atomic: readers never see half a file
        if args.inventory:
            path = write_inventory(args.inventory, emu.info())
            # The how-to instead of the JSON: the inventory holds the same connection, and a terminal
            # user should not get client secrets printed.
            sys.stdout.write(how_to(path, emu.info(), args.ansible_playbook))
        else:
            sys.stdout.write(info + "\n")
        sys.stdout.flush()
        while not stop.wait(0.5):
            pass
    finally:
        emu.stop()
    return 0


if __name__ == "__main__":
    sys.exit(main())

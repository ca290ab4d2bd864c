"""The `playground` console script: train and bench headless, serve the app, CNN commands."""
from __future__ import annotations

import argparse
import sys
from pathlib import Path


class _Parser(argparse.ArgumentParser):
    # One line and exit code 2 on bad input, instead of argparse's usage dump.
    def error(self, message):
        self.exit(2, f"playground: error: {message}\n")


def _serve(args) -> int:
    import subprocess

    app = Path(__file__).with_name("app.py")
    cmd = [sys.executable, "-m", "panel", "serve", str(app), "--port", str(args.port),
           "--address", args.address, "--allow-websocket-origin", f"*:{args.port}"]
    if args.show:
        cmd.append("--show")
    return subprocess.call(cmd)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="playground", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    serve = sub.add_parser("serve", help="run the web app (same as panel serve playground/app.py)")
    serve.add_argument("--port", type=int, default=5006)
    serve.add_argument("--address", default="127.0.0.1")
    serve.add_argument("--show", action="store_true", help="open a browser tab")
    serve.set_defaults(func=_serve)

    # Subcommands registered by the modules that own them (imports stay light:
    # TensorFlow is imported by the CNN commands only when they run).
    from playground.dense import cli as dense_cli
    from playground.cnn import cli as cnn_cli

    dense_cli.add_commands(sub)
    cnn_cli.add_commands(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args) or 0


if __name__ == "__main__":
    sys.exit(main())

"""The `playground` console script: train and bench headless, serve the app, CNN commands."""
from __future__ import annotations

import argparse
import contextlib
import ipaddress
import os
import secrets
import shlex
import socket
import sys
from pathlib import Path


# The variable the page shell reads to show the student URL and its QR code
# (the same name as playground.shell.STUDENT_URL_ENV; the CLI does not import Panel).
STUDENT_URL_ENV = "NN_PLAYGROUND_STUDENT_URL"
# The teacher's key for `?present=KEY`, whose session trains before the class's
# (the same name as playground.serve.scheduler.PRESENT_KEY_ENV).
PRESENT_KEY_ENV = "NN_PLAYGROUND_PRESENT_KEY"
# `serve --lan` runs one process per core, up to this many. One process holds the GIL
# and so about one core; on the 2-core machine two processes met every goal for a class
# of 30 that one did not (BENCHMARKS.md). Each process loads TensorFlow for the CNN page,
# about 0.8 GB, so a teacher's 8-core laptop stops at 4.
CLASS_PROCS_MAX = 4
# The class store's address for every process (the same name as playground.classroom.store.CLASS_STORE_ENV),
# and the CSV that `--save-class` appends to (playground.serve.progress.SAVE_CLASS_ENV).
CLASS_STORE_ENV = "NN_PLAYGROUND_CLASS_STORE"
SAVE_CLASS_ENV = "NN_PLAYGROUND_SAVE_CLASS"


class _QuietTensorFlowImport:
    """An import hook: TensorFlow's first import runs with the process's stderr (fd 2) on /dev/null.

    Its libraries print oneDNN and CUDA notes while they load, before absl's logging starts,
    so TF_CPP_MIN_LOG_LEVEL (set too, for what it logs later) cannot hold them back.
    """

    def find_spec(self, name, path=None, target=None):
        if name != "tensorflow":
            return None
        sys.meta_path.remove(self)      # once; the usual finders find the package
        import importlib.util

        spec = importlib.util.find_spec(name)
        if spec is not None and spec.loader is not None:
            run = spec.loader.exec_module

            def exec_module(module):
                sys.stderr.flush()
                saved, devnull = os.dup(2), os.open(os.devnull, os.O_WRONLY)
                os.dup2(devnull, 2)
                try:
                    run(module)
                finally:
                    os.dup2(saved, 2)
                    os.close(saved)
                    os.close(devnull)

            spec.loader.exec_module = exec_module
        return spec


def quiet_tensorflow() -> None:
    """Keep TensorFlow's native log lines off the terminal (`--verbose` shows them)."""
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if "tensorflow" not in sys.modules and not any(isinstance(f, _QuietTensorFlowImport) for f in sys.meta_path):
        sys.meta_path.insert(0, _QuietTensorFlowImport())


class _Parser(argparse.ArgumentParser):
    # One line and exit code 2 on bad input, instead of argparse's usage dump.
    def error(self, message):
        from playground.serve.user_text import echo   # an echoed 100 KB value is cut, bidi controls go

        self.exit(2, f"playground: error: {echo(message, 300)}\n")


def lan_address() -> str:
    """This machine's address on the local network, for students' devices to reach.

    A UDP socket's `connect` sends no packet: it only asks the kernel which
    interface would route to a private address, and that interface's address is
    the LAN address. Then the host name's address; then loopback.
    """
    with contextlib.suppress(OSError), socket.socket(socket.AF_INET, socket.SOCK_DGRAM) as probe:
        probe.connect(("10.255.255.255", 1))
        address = probe.getsockname()[0]
        if _usable(address):
            return address
    with contextlib.suppress(OSError):
        address = socket.gethostbyname(socket.gethostname())
        if _usable(address):
            return address
    return "127.0.0.1"


def _usable(address: str) -> bool:
    try:
        ip = ipaddress.IPv4Address(address)
    except ValueError:
        return False
    return not (ip.is_loopback or ip.is_unspecified or ip.is_link_local)


def websocket_max_bytes() -> int:
    """Bokeh's websocket message limit that lets the CNN page's largest upload through.

    An upload travels base64-encoded (4/3 of its size) inside a JSON message; the
    margin covers the message around it.
    """
    from playground.cnn.loading import _MAX_MODEL_BYTES   # no TensorFlow at import

    return _MAX_MODEL_BYTES * 4 // 3 + 1024 * 1024


def server_processes(args) -> int:
    """How many server processes `playground serve` runs: as asked, else one, or for a class one per core."""
    if args.num_procs is not None:
        return args.num_procs
    if not args.lan:
        return 1
    from playground.serve.scheduler import cores

    return min(cores(), CLASS_PROCS_MAX)


def serve_command(args) -> tuple[list[str], dict[str, str]]:
    """The `panel serve` command line and the extra environment for `playground serve`."""
    app = Path(__file__).with_name("app.py")
    address = "0.0.0.0" if args.lan else args.address
    # Students' devices can reach any address but loopback: such a server always has a key and an origin list.
    beyond_loopback = args.lan or not _loopback(address)
    # A class also gets the teacher's wall at /teacher; "/" stays the app.
    pages = [str(app), str(Path(__file__).parent / "classroom" / "teacher.py"), "--index", "app"] if class_mode(args) \
        else [str(app)]
    cmd = [sys.executable, "-m", "panel", "serve", *pages, "--port", str(args.port), "--address", address,
           "--websocket-max-message-size", str(websocket_max_bytes()),
           # Closed tabs' sessions are looked for every 5 s rather than 17 s: a training
           # page asks to be discarded once its tab is gone, so memory is freed sooner.
           # (The lifetime stays Bokeh's 15 s: a slow first page load must not lose its session.)
           "--check-unused-sessions", "5000",
           # The CNN warm-up (TensorFlow's import, the default model) starts with the server.
           "--setup", str(Path(__file__).parent / "cnn" / "warm_start.py")]
    env = {}
    if beyond_loopback:
        host = lan_address() if args.lan or address in ("0.0.0.0", "::") else address
        for origin in (f"{host}:{args.port}", f"localhost:{args.port}", f"127.0.0.1:{args.port}"):
            cmd += ["--allow-websocket-origin", origin]
        env[STUDENT_URL_ENV] = f"http://{host}:{args.port}/app"
    # With students on the network, `?present` alone would let any of them go first: a key it is.
    # The wall's key is the projector's key: one key for the teacher.
    key = args.present_key or args.teacher_key or (secrets.token_urlsafe(6) if beyond_loopback or class_mode(args) else "")
    if key:
        env[PRESENT_KEY_ENV] = key
    else:
        cmd += ["--allow-websocket-origin", f"*:{args.port}"]
    if key and not beyond_loopback:      # a teacher's key on this machine only: its loopback names
        for origin in (f"localhost:{args.port}", f"127.0.0.1:{args.port}"):
            cmd += ["--allow-websocket-origin", origin]
    if class_mode(args):
        # Every process of this server (and, with Redis, of every host) writes its students here.
        from playground.classroom.store import default_folder

        env[CLASS_STORE_ENV] = args.class_store or str(default_folder())
        if args.save_class:
            env[SAVE_CLASS_ENV] = str(Path(args.save_class).resolve())
    procs = server_processes(args)
    if procs != 1:
        cmd += ["--num-procs", str(procs)]
    if args.show:
        cmd.append("--show")
    return cmd, env


def _loopback(address: str) -> bool:
    """Whether `address` (an IP or a host name) is this machine only."""
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return address == "localhost"


def class_mode(args) -> bool:
    """Whether `playground serve` serves a class: students' progress is published and /teacher shows it."""
    return bool(args.lan or args.teacher_key or args.class_store or args.save_class)


def _check_class_options(args) -> str | None:
    """Why the class options cannot work together, or None."""
    if args.teacher_key and args.present_key and args.teacher_key != args.present_key:
        return "--teacher-key and --present-key are one key: give one of them, or the same value"
    if args.class_store:
        from playground.classroom.store import check_address

        return check_address(args.class_store)
    return None


def _serve(args) -> int:
    problem = _check_class_options(args)
    if problem:
        from playground.serve.user_text import echo   # the value is echoed: cut, bidi controls gone

        print(f"playground: error: {echo(problem, 300)}", file=sys.stderr)
        return 2
    cmd, env = serve_command(args)
    url = env.get(STUDENT_URL_ENV)
    if url:
        print(f"Students open: {url}")
        if url.startswith("http://127.0.0.1"):
            print("(no network address found: only this machine can open it)")
    if PRESENT_KEY_ENV in env:
        print(f"The projector opens: http://localhost:{args.port}/app?present={env[PRESENT_KEY_ENV]}"
              " (its training goes before the class's)")
    if CLASS_STORE_ENV in env:
        print(f"The teacher's wall: http://localhost:{args.port}/teacher?key={env[PRESENT_KEY_ENV]}")
    if args.dry_run:
        for name, value in env.items():
            print(f"{name}={shlex.quote(value)}")
        print(shlex.join(cmd))
        return 0
    if url:
        import segno

        segno.make(url, error="m").terminal(compact=True)
    sys.stdout.flush()
    # Become the server (not its parent): Ctrl+C and a service manager's SIGTERM reach it directly.
    os.execve(cmd[0], cmd, {**os.environ, **env})


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="playground", description=__doc__)
    sub = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    serve = sub.add_parser("serve", help="run the web app (same as panel serve playground/app.py)")
    serve.add_argument("--port", type=int, default=5006)
    serve.add_argument("--address", default="127.0.0.1")
    serve.add_argument("--show", action="store_true", help="open a browser tab")
    serve.add_argument("--lan", action="store_true",
                       help="serve a class: listen on every interface and print the URL students open")
    serve.add_argument("--num-procs", type=int, default=None,
                       help="server processes, each with its own sessions (0: one per core; default 1, "
                            f"with --lan one per core up to {CLASS_PROCS_MAX}; see README)")
    serve.add_argument("--present-key", default="", metavar="KEY",
                       help="the session opened with ?present=KEY (the projector) trains first "
                            "(with --lan a key is made up and printed when none is given)")
    serve.add_argument("--teacher-key", default="", metavar="KEY",
                       help="the key of the teacher's wall (/teacher?key=KEY); the same key as --present-key")
    serve.add_argument("--class-store", default="", metavar="URL",
                       help="where the class's progress is kept: redis://host:port/db for servers on several "
                            "hosts (default: an embedded store in a temporary folder)")
    serve.add_argument("--save-class", default="", metavar="FILE",
                       help="append each solved run to this CSV file (nothing is written otherwise)")
    serve.add_argument("--dry-run", action="store_true", help="print the panel serve command instead of running it")
    serve.set_defaults(func=_serve)

    # Subcommands registered by the modules that own them (imports stay light:
    # TensorFlow is imported by the CNN commands only when they run).
    from playground.dense import cli as dense_cli
    from playground.cnn import cli as cnn_cli

    dense_cli.add_commands(sub)
    cnn_cli.add_commands(sub)
    parser.add_argument("--verbose", action="store_true", help="show TensorFlow's own log lines")
    for command in sub.choices.values():     # `playground train … --verbose` works too
        command.add_argument("--verbose", action="store_true", default=argparse.SUPPRESS,
                             help="show TensorFlow's own log lines")
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if not args.verbose:
        quiet_tensorflow()
    try:
        return args.func(args) or 0
    except KeyboardInterrupt:
        return 130
    except Exception as exc:   # noqa: BLE001 - a command-line user gets one line, never a traceback
        from playground.serve.user_text import echo

        print(f"playground: error: {echo(str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__, 300)}",
              file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())

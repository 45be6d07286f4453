#!/usr/bin/python3
"""The NETCONF benchmark client: the same ncclient code measures every server.

Run by run.ts once per server; writes its results as JSON to --out and progress lines to
stderr. Every measurement is timed around the ncclient call only (request building and result
checking are outside the clock), with time.perf_counter().

Measurements, in order (each one that changes data starts from a known datastore):
  setup          connect + SSH auth + hello exchange, a fresh session each time
  edit-<n>       remove everything and commit (untimed), then edit-config of n entries into
                 the candidate + commit; the sample is edit-config + commit, both parts kept
  get-config     get-config of running holding the largest n entries
  filtered       get-config with a subtree filter matching one entry by its key
  sequential     remove everything, then k times: edit-config of one new entry + commit

Needs python3-ncclient (Debian). Exit status: 0 when every measurement ran, 1 when some
failed (their error is in the JSON), 2 when the client could not start at all.
"""

import argparse
import json
import socket
import statistics
import sys
import time
import traceback

try:
    import ncclient
    import ncclient.transport.ssh as ncclient_ssh
    from ncclient import manager
    from ncclient.operations import RPCError, TimeoutExpiredError
    from ncclient.xml_ import to_ele
except ImportError as err:  # pragma: no cover - reported to the runner
    sys.stderr.write("client: python3-ncclient is missing (apt-get install python3-ncclient): %s\n" % err)
    sys.exit(2)

NS = "urn:vrouterd:bench-items"
NC = "urn:ietf:params:xml:ns:netconf:base:1.0"
KINDS = ("ethernet", "loopback", "tunnel")


def item_name(i):
    return "item-%06d" % i


def item_xml(i):
    return (
        "<item><name>%s</name><kind>%s</kind><enabled>%s</enabled><mtu>%d</mtu>"
        "<address>10.%d.%d.%d</address><description>benchmark entry %d</description></item>"
        % (item_name(i), KINDS[i % 3], "true" if i % 2 == 0 else "false", 1500 + i % 7000,
           (i >> 16) & 255, (i >> 8) & 255, i & 255, i)
    )


def config_ele(first, count):
    """<config> with entries first .. first+count-1, parsed outside the clock."""
    body = "".join(item_xml(i) for i in range(first, first + count))
    return to_ele('<config xmlns="%s"><items xmlns="%s">%s</items></config>' % (NC, NS, body))


def remove_all_ele():
    return to_ele('<config xmlns="%s" xmlns:nc="%s"><items xmlns="%s" nc:operation="remove"/></config>'
                  % (NC, NC, NS))


def items_filter():
    return ("subtree", '<items xmlns="%s"/>' % NS)


def one_item_filter(i):
    return ("subtree", '<items xmlns="%s"><item><name>%s</name></item></items>' % (NS, item_name(i)))


def count_items(reply):
    return len(reply.data_ele.findall("{%s}items/{%s}item" % (NS, NS)))


def ms(seconds):
    return round(seconds * 1000.0, 3)


def describe(err, rpc=None, timeout=None):
    """One line a person can act on, for any failure a measurement may meet."""
    if isinstance(err, TimeoutExpiredError):
        return "no reply to <%s> within %g s" % (rpc or "?", timeout or 0)
    if isinstance(err, RPCError):
        parts = [p for p in (err.type, err.tag) if p]
        text = "rpc-error %s: %s" % ("/".join(parts), (err.message or "").strip() or "(no error-message)")
        if getattr(err, "path", None):
            text += " (error-path %s)" % err.path.strip()
        return text
    text = str(err).strip()
    return "%s: %s" % (type(err).__name__, text) if text else type(err).__name__


class Bench:
    def __init__(self, args):
        self.args = args
        self.results = []
        self.failed = False
        self.rpc = None

    # -- sessions ------------------------------------------------------------------------------
    def connect(self):
        # Our own socket, so that TCP_NODELAY can be set: without it paramiko's small packets
        # (window adjusts, the next request) wait behind the server's delayed ACK, and about one
        # reply in two of a few hundred kB takes 40 ms longer, whatever the server.
        sock = socket.create_connection((self.args.host, self.args.port), timeout=self.args.connect_timeout)
        if self.args.nodelay:
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        try:
            m = manager.connect(
                sock=sock, host=self.args.host, port=self.args.port, username=self.args.user,
                key_filename=self.args.key, hostkey_verify=False, look_for_keys=False,
                allow_agent=False, timeout=self.args.connect_timeout,
            )
        except Exception:
            sock.close()
            raise
        m.timeout = self.args.rpc_timeout
        m.huge_tree = True
        return m

    @staticmethod
    def close(m):
        try:
            m.timeout = 5
            m.close_session()
        except Exception:  # noqa: BLE001 - the server may drop the channel first; not measured
            try:
                m._session.close()  # the SSH connection, when close-session got no answer
            except Exception:  # noqa: BLE001
                pass

    def progress(self, text):
        sys.stderr.write("[%s] %s\n" % (self.args.server, text))
        sys.stderr.flush()

    # -- results -------------------------------------------------------------------------------
    def record(self, mid, label, samples, extra=None):
        entry = {"id": mid, "label": label, "unit": "ms", "samples": samples,
                 "median": round(statistics.median(samples), 3)}
        if extra:
            entry.update(extra)
        self.results.append(entry)

    def record_error(self, mid, label, err, quiet=False):
        self.failed = True
        self.results.append({"id": mid, "label": label, "error": err})
        if not quiet:
            self.progress("%s: FAILED: %s" % (label, err))

    # -- operations ----------------------------------------------------------------------------
    def reset(self, m):
        self.rpc = "edit-config"
        m.edit_config(target="candidate", config=remove_all_ele())
        self.rpc = "commit"
        m.commit()

    def timed_edit_commit(self, m, ele):
        self.rpc = "edit-config"
        t0 = time.perf_counter()
        m.edit_config(target="candidate", config=ele)
        t1 = time.perf_counter()
        self.rpc = "commit"
        m.commit()
        t2 = time.perf_counter()
        return t1 - t0, t2 - t1

    def expect_count(self, m, expected, what):
        self.rpc = "get-config"
        got = count_items(m.get_config(source="running", filter=items_filter()))
        if got != expected:
            raise RuntimeError("%s: running holds %d entries, expected %d" % (what, got, expected))

    # -- measurements --------------------------------------------------------------------------
    def measure_setup(self):
        label = "session set-up (connect + hello)"
        samples = []
        try:
            for _ in range(self.args.setup_reps):
                t0 = time.perf_counter()
                m = self.connect()
                samples.append(ms(time.perf_counter() - t0))
                self.close(m)
            self.record("setup", label, samples)
            self.progress("%s: median %.1f ms" % (label, statistics.median(samples)))
        except Exception as err:  # noqa: BLE001
            self.record_error("setup", label, describe(err))

    def data_labels(self):
        """The measurements after set-up, in order, with their labels."""
        sizes = self.args.sizes
        labels = {"edit-%d" % n: "edit-config + commit, %s entries" % human(n) for n in sizes}
        labels["get-config"] = "get-config, %s entries" % human(sizes[-1])
        labels["filtered"] = "get-config, subtree filter: 1 of %s by key" % human(sizes[-1])
        labels["sequential"] = "%d x (edit-config 1 entry + commit)" % self.args.sequential
        return labels

    def measure_data(self):
        sizes = self.args.sizes
        labels = self.data_labels()
        pending = list(labels)

        current = None
        try:
            m = self.connect()
        except Exception as err:  # noqa: BLE001
            for mid in pending:
                self.record_error(mid, labels[mid], "could not open a session: %s" % describe(err))
            return
        try:
            for n in sizes:
                current = "edit-%d" % n
                samples, edits, commits = [], [], []
                for rep in range(self.args.reps_for(n)):
                    self.reset(m)
                    ele = config_ele(0, n)
                    e, c = self.timed_edit_commit(m, ele)
                    samples.append(ms(e + c))
                    edits.append(ms(e))
                    commits.append(ms(c))
                    self.progress("%s: rep %d: %.1f ms (edit-config %.1f, commit %.1f)"
                                  % (labels[current], rep + 1, (e + c) * 1000, e * 1000, c * 1000))
                self.expect_count(m, n, labels[current])
                self.record(current, labels[current], samples, {
                    "edit_config_median": round(statistics.median(edits), 3),
                    "commit_median": round(statistics.median(commits), 3),
                })
                pending.remove(current)

            biggest = sizes[-1]
            current = "get-config"
            self.rpc = "get-config"
            samples = []
            for rep in range(self.args.get_reps):
                t0 = time.perf_counter()
                reply = m.get_config(source="running")
                samples.append(ms(time.perf_counter() - t0))
                got = count_items(reply)
                if got != biggest:
                    raise RuntimeError("get-config returned %d entries, expected %d" % (got, biggest))
                self.progress("%s: rep %d: %.1f ms (%d bytes)"
                              % (labels[current], rep + 1, samples[-1], len(reply.xml)))
            self.record(current, labels[current], samples)
            pending.remove(current)

            current = "filtered"
            samples = []
            for rep in range(self.args.filter_reps):
                target = (rep * 7919 + biggest // 2) % biggest
                flt = one_item_filter(target)
                t0 = time.perf_counter()
                reply = m.get_config(source="running", filter=flt)
                samples.append(ms(time.perf_counter() - t0))
                found = reply.data_ele.findall("{%s}items/{%s}item" % (NS, NS))
                names = [e.findtext("{%s}name" % NS) for e in found]
                if names != [item_name(target)]:
                    raise RuntimeError("filter for %s returned entries %r" % (item_name(target), names[:5]))
                if found[0].findtext("{%s}mtu" % NS) is None:
                    raise RuntimeError("filter for %s returned the key only, not the whole entry"
                                       % item_name(target))
            self.record(current, labels[current], samples)
            self.progress("%s: median %.2f ms" % (labels[current], statistics.median(samples)))
            pending.remove(current)

            current = "sequential"
            self.reset(m)
            samples = []
            start = time.perf_counter()
            for i in range(self.args.sequential):
                ele = config_ele(i, 1)
                e, c = self.timed_edit_commit(m, ele)
                samples.append(ms(e + c))
            total = time.perf_counter() - start
            self.expect_count(m, self.args.sequential, labels[current])
            self.record(current, labels[current], samples, {"total": ms(total)})
            self.progress("%s: per op median %.2f ms, total %.0f ms"
                          % (labels[current], statistics.median(samples), total * 1000))
            pending.remove(current)
            self.reset(m)
        except Exception as err:  # noqa: BLE001
            msg = describe(err, self.rpc, self.args.rpc_timeout)
            if self.args.verbose:
                traceback.print_exc()
            if current in pending:
                self.record_error(current, labels[current], msg)
                pending.remove(current)
            if pending:
                self.progress("skipping the %d measurement(s) after it" % len(pending))
            for mid in pending:
                self.record_error(mid, labels[mid], "not run: an earlier step failed (%s)" % msg, quiet=True)
        finally:
            self.close(m)


def human(n):
    return "%dk" % (n // 1000) if n >= 1000 and n % 1000 == 0 else str(n)


def parse_args(argv):
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--server", required=True, help="name used in progress lines and the JSON")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--user", required=True)
    p.add_argument("--key", required=True, help="private key file for publickey auth")
    p.add_argument("--out", required=True, help="where to write the JSON results")
    p.add_argument("--sizes", default="100,1000,10000", help="entries per edit-config, ascending")
    p.add_argument("--reps", default="5,3,3", help="repetitions per size (same order as --sizes)")
    p.add_argument("--setup-reps", type=int, default=20)
    p.add_argument("--get-reps", type=int, default=5)
    p.add_argument("--filter-reps", type=int, default=20)
    p.add_argument("--sequential", type=int, default=200)
    p.add_argument("--connect-timeout", type=float, default=15.0, help="TCP connect timeout, s")
    p.add_argument("--rpc-timeout", type=float, default=120.0, help="per-RPC reply timeout, s")
    p.add_argument("--ncclient-tick", type=float, default=0.001,
                   help="ncclient's transport thread looks at its send queue every TICK seconds "
                        "(0.1 upstream), adding up to TICK to every request; 0.001 by default so "
                        "that the numbers are the server's")
    p.add_argument("--no-nodelay", dest="nodelay", action="store_false",
                   help="leave Nagle on for the client's TCP socket (paramiko's default)")
    p.add_argument("--verbose", action="store_true")
    args = p.parse_args(argv)
    args.sizes = [int(x) for x in args.sizes.split(",")]
    reps = [int(x) for x in args.reps.split(",")]
    if len(reps) != len(args.sizes):
        p.error("--reps needs one count per size")
    if args.sizes != sorted(args.sizes) or args.sizes[0] < 1:
        p.error("--sizes must be ascending and positive")
    table = dict(zip(args.sizes, reps))
    args.reps_for = lambda n: table[n]
    return args


def main(argv):
    args = parse_args(argv)
    ncclient_ssh.TICK = args.ncclient_tick
    bench = Bench(args)
    bench.measure_setup()
    setup = bench.results[-1]
    if "error" in setup:
        bench.progress("no session could be opened; the other measurements are not run")
        for mid, label in bench.data_labels().items():
            bench.record_error(mid, label, "not run: no session could be opened (%s)" % setup["error"], quiet=True)
    else:
        bench.measure_data()
    import paramiko
    doc = {
        "server": args.server,
        "client": {"ncclient": getattr(ncclient, "__version__", "?"), "paramiko": paramiko.__version__,
                   "python": sys.version.split()[0], "tick_s": args.ncclient_tick,
                   "tcp_nodelay": args.nodelay},
        "results": bench.results,
    }
    with open(args.out, "w") as f:
        json.dump(doc, f, indent=1)
    return 1 if bench.failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))

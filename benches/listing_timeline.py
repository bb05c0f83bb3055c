#!/usr/bin/env python3
"""Where a listing's wall time goes, read off the wire: a loopback capture (tcpdump, as root)
of each client's run, split into phases by the packets themselves, so the clients are not slowed
by tracing (strace made curl's reads several times slower).

    benches/listing_timeline.py ROUNDS name='command' ...

Runs the commands interleaved (A B A B ...), ROUNDS times each, and prints per command the
medians of: start -> control SYN, SYN -> LIST/MLSD sent, LIST -> the first data byte (the
server preparing the listing), the first -> the last data byte (the sending, which a slow reader
stretches), the last data byte -> the server's 226 (the server's own tidying), and the 226 -> the
process's exit. Example (vsftpd of
tests/interop/servers.sh, the 100,000-entry folder of the suite):

    benches/listing_timeline.py 8 \\
      curl='curl -s ftp://ferrytest:ferrytest@127.0.0.1:21210/many100k/' \\
      ferry='target/release/ferry ls --tls off --json ftp://ferrytest:ferrytest@127.0.0.1:21210/many100k/'

CONTROL_PORT (default 21210) names the server's control port; the data connection is whatever
other connection carries the bytes after LIST. Output of the commands goes to /dev/null.
"""
import os
import shlex
import signal
import statistics
import struct
import subprocess
import sys
import tempfile
import time

CONTROL = int(os.environ.get("CONTROL_PORT", "21210"))
RUN_TIMEOUT = 120  # seconds per command run
MAX_ROUNDS = 100


def packets(path):
    """(time, source port, destination port, TCP flags, payload length, payload start)"""
    out = []
    with open(path, "rb") as f:
        header = f.read(24)
        if len(header) < 24:
            return out
        link = struct.unpack("<I", header[20:24])[0]
        link_header = {1: 14, 113: 16}.get(link, 4)
        while True:
            record = f.read(16)
            if len(record) < 16:
                break
            sec, usec, captured, _ = struct.unpack("<IIII", record)
            frame = f.read(captured)
            ip = frame[link_header:]
            if len(ip) < 20 or ip[0] >> 4 != 4:
                continue
            ihl = (ip[0] & 15) * 4
            total = struct.unpack(">H", ip[2:4])[0]
            tcp = ip[ihl:]
            if len(tcp) < 20:
                continue
            sport, dport = struct.unpack(">HH", tcp[:4])
            offset = (tcp[12] >> 4) * 4
            out.append((sec + usec / 1e6, sport, dport, tcp[13], total - ihl - offset,
                        tcp[offset:offset + 8]))
    return out


def phases(capture, started, ended):
    pk = packets(capture)
    syn = next(p[0] for p in pk if p[2] == CONTROL and p[3] & 0x02)
    listed = next(p[0] for p in pk
                  if p[2] == CONTROL and p[4] > 0 and p[5][:4] in (b"LIST", b"MLSD", b"NLST"))
    # The server's data bytes: after LIST, not on the control connection, from the lower port
    # (the server's passive range) to the client's ephemeral one.
    data = [p for p in pk if p[0] > listed and CONTROL not in (p[1], p[2]) and p[4] > 0
            and p[1] < p[2]]
    first, last = data[0][0], data[-1][0]
    # The server's word that the listing is complete, which every client waits for.
    done = next(p[0] for p in pk if p[0] > listed and p[1] == CONTROL and p[5][:3] == b"226")
    ms = lambda a, b: (b - a) * 1e3
    return (ms(started, syn), ms(syn, listed), ms(listed, first), ms(first, last),
            ms(last, done), ms(done, ended), ms(started, ended))


def main():
    if len(sys.argv) < 3:
        sys.exit(__doc__)
    rounds = min(int(sys.argv[1]), MAX_ROUNDS)
    commands = [arg.split("=", 1) for arg in sys.argv[2:]]
    results = {name: [] for name, _ in commands}
    with tempfile.TemporaryDirectory() as scratch:
        capture = os.path.join(scratch, "run.pcap")
        for _ in range(rounds):
            for name, command in commands:
                dump = subprocess.Popen(
                    ["tcpdump", "-Z", "root", "-i", "lo", "-s", "96", "-U", "--immediate-mode",
                     "-w", capture, "-n", "tcp"], stderr=subprocess.DEVNULL)
                time.sleep(1.0)  # tcpdump has no "ready" signal
                started = time.time()
                # Bounded by timeout(1), not by run(timeout=): with a timeout, Python polls for the
                # child's end with sleeps of up to 50 ms, which showed as a client's exit time.
                subprocess.run(f"timeout {RUN_TIMEOUT} sh -c {shlex.quote(command)} > /dev/null",
                               shell=True)
                ended = time.time()
                time.sleep(0.2)
                dump.send_signal(signal.SIGINT)
                dump.wait(timeout=10)
                try:
                    results[name].append(phases(capture, started, ended))
                except (StopIteration, IndexError):
                    print(f"{name}: no LIST and data connection in the capture", file=sys.stderr)
    labels = ("start->SYN", "SYN->LIST", "LIST->first byte", "sending", "last byte->226",
              "226->exit", "total")
    print("| command | " + " | ".join(labels) + " |")
    print("|---" * (len(labels) + 1) + "|")
    for name, runs in results.items():
        if runs:
            medians = [statistics.median(run[i] for run in runs) for i in range(len(labels))]
            print(f"| {name} (n={len(runs)}) | " + " | ".join(f"{m:.1f} ms" for m in medians)
                  + " |")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""A well-behaved feeder's rate with and without hostile connections (docs/reliability.md).

    bench/hostile_feed.py BUILD_DIR [--events N] [--rounds R]

Each round starts `warroom-cli ingest` (with a token) twice: once the feeder alone sends N
events (a hello with the token, then batches of 500, at most 4,000 unacknowledged) and its rate
is timed from the first event to the last acknowledgement; once the same while another process
keeps up to 96 hostile connections open at a time, cycling through 1,000 kinds of attack (HTTP,
a TLS ClientHello, binary noise, slowloris, oversized and malformed JSON, wrong tokens, refused
lines with the right token). Prints the median rates and their ratio; the recording must hold
the feeder's N events and nothing else.
"""
import argparse
import asyncio
import logging
import multiprocessing
import os
import random
import socket
import sqlite3
import statistics
import subprocess
import sys
import tempfile
import time

TOKEN = "s3cret-token-for-the-feed"


def start_ingest(cli, path):
    ingest = subprocess.Popen([cli, "ingest", "--listen", "127.0.0.1:0", "--token", TOKEN,
                               "-o", path], stdout=subprocess.PIPE, stderr=subprocess.DEVNULL,
                              text=True)
    line = ingest.stdout.readline()  # "listening on 127.0.0.1:PORT, writing FILE"
    port = int(line.split(":")[1].split(",")[0])
    return ingest, port


def event_line(n, now, subject="feeder"):
    return ('{"type":"event","time_ms":%d,"kind":"annotation","subject":"%s","text":"event %d"}\n'
            % (now + n, subject, n)).encode()


def feed(port, events):
    """Sends `events` events; returns events per second, first event to last acknowledgement."""
    now = int(time.time() * 1000)
    for attempt in range(40):  # a full server refuses at once: again shortly, as `feed` does
        s = socket.create_connection(("127.0.0.1", port))
        s.sendall(('{"type":"hello","token":"%s"}\n' % TOKEN).encode())
        s.settimeout(0.3)
        try:
            first = s.recv(65536)
        except socket.timeout:
            first = b""
        s.settimeout(None)
        if b"too many connections" not in first:
            break
        s.close()
        time.sleep(0.25)
    else:
        raise SystemExit("the feeder never got in")
    start = time.perf_counter()  # from the first event, once in
    sent, acked, buffer = 0, 0, first
    while acked < events + 1:
        while sent < events and sent - acked < 4000:
            batch = b"".join(event_line(sent + i, now) for i in range(min(500, events - sent)))
            s.sendall(batch)
            sent += min(500, events - sent)
        data = s.recv(65536)
        if not data:
            raise SystemExit("the server closed the feeder's connection at ack %d" % acked)
        buffer += data
        *lines, buffer = buffer.split(b"\n")
        for line in lines:
            if line.startswith(b'{"ack":'):
                acked = int(line[7:-1])
            elif line:
                raise SystemExit("the feeder was refused: %s" % line.decode())
    elapsed = time.perf_counter() - start
    s.close()
    return events / elapsed


def attacks(rng):
    now = int(time.time() * 1000)
    hostile = event_line(0, now, "hostile")
    out = []
    for i in range(100):
        out.append((["GET / HTTP/1.1\r\nHost: w\r\n\r\n", "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n",
                     "POST /feed HTTP/1.1\r\nContent-Length: 99\r\n\r\n"][i % 3].encode()
                    + hostile, False))
    for _ in range(100):
        out.append((b"\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03" + rng.randbytes(500), False))
    for _ in range(150):
        out.append((rng.randbytes(rng.randint(1, 16384)), False))
    for _ in range(100):
        out.append((b'{"type":"hello","token":"' + b"a" * 200, True))
    for _ in range(100):
        out.append((b'{"type":"hello","token":"' + b"A" * rng.randint(70000, 1000000) + b'"}\n',
                    False))
    for i in range(150):
        out.append(([b"{type:hello}\n", b"[[[[[[[[[[[[[[[[\n", b"null\n", b"{}{}\n",
                     b'{"type":"hello","token":"\\ud800"}\n'][i % 5] + hostile, False))
    for i in range(150):
        out.append((('{"type":"hello","token":"%s"}\n' % ["", "s3cret", TOKEN + "x"][i % 3])
                    .encode() + hostile, False))
    for i in range(150):
        out.append((('{"type":"hello","token":"%s"}\n' % TOKEN).encode()
                    + ('{"type":"event","time_ms":%d,"kind":"annotation","subject":"hostile"}\n'
                       % (9000000000000000 if i % 2 else -1)).encode()
                    + b'{"type":"meta","key":"start_ms","value":"0"}\n'
                    + b'{"type":"warp"}\n', False))
    return out


async def attack_one(port, payload, trickle):
    try:
        reader, writer = await asyncio.wait_for(
            asyncio.open_connection("127.0.0.1", port), 2)
    except (OSError, asyncio.TimeoutError):
        return
    try:
        if trickle:
            for byte in payload:
                writer.write(bytes([byte]))
                await asyncio.sleep(0.3)
                if reader.at_eof():
                    break
        else:
            writer.write(payload)
            await asyncio.wait_for(reader.read(), 4)
    except (OSError, asyncio.TimeoutError, ConnectionError):
        pass
    finally:
        writer.close()


async def attack_forever(port, stop):
    rng = random.Random(18)
    kinds = attacks(rng)
    pending = set()
    i = 0
    while not stop.is_set():
        while len(pending) < 96:
            payload, trickle = kinds[i % len(kinds)]
            i += 1
            pending.add(asyncio.ensure_future(attack_one(port, payload, trickle)))
        _, pending = await asyncio.wait(pending, timeout=0.05,
                                        return_when=asyncio.FIRST_COMPLETED)
    for task in pending:
        task.cancel()


def attacker(port, stop):
    # The server closes attackers while they write: asyncio's "socket.send() raised exception"
    # for each of those writes says nothing worth printing.
    logging.getLogger("asyncio").setLevel(logging.CRITICAL)
    asyncio.run(attack_forever(port, stop))


def feeder_events_only(path, events):
    db = sqlite3.connect(path)
    (feeder,) = db.execute("SELECT count(*) FROM events WHERE subject = 'feeder'").fetchone()
    (other,) = db.execute("SELECT count(*) FROM events WHERE subject != 'feeder'").fetchone()
    db.close()
    if feeder != events or other != 0:
        raise SystemExit("the recording holds %d of the feeder's events and %d others"
                         % (feeder, other))


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("build")
    parser.add_argument("--events", type=int, default=200000)
    parser.add_argument("--rounds", type=int, default=5)
    args = parser.parse_args()
    cli = os.path.join(args.build, "app", "warroom-cli")
    alone, loaded = [], []
    with tempfile.TemporaryDirectory() as tmp:
        for round_ in range(args.rounds):
            for under_attack in (False, True):
                path = os.path.join(tmp, "r%d-%d.warroom" % (round_, under_attack))
                ingest, port = start_ingest(cli, path)
                stop = multiprocessing.Event()
                attacking = None
                if under_attack:
                    attacking = multiprocessing.Process(target=attacker, args=(port, stop))
                    attacking.start()
                    time.sleep(1.0)  # the attack in full swing first
                rate = feed(port, args.events)
                if attacking:
                    stop.set()
                    attacking.join(10)
                    if attacking.is_alive():
                        attacking.kill()
                ingest.terminate()
                ingest.wait(30)
                feeder_events_only(path, args.events)
                (loaded if under_attack else alone).append(rate)
                print("round %d %s: %.0f events/s" % (round_ + 1,
                      "under attack" if under_attack else "alone", rate), flush=True)
    a, l = statistics.median(alone), statistics.median(loaded)
    print("feeder alone: median %.0f events/s; with hostile connections: median %.0f events/s; "
          "ratio %.2f" % (a, l, l / a))


if __name__ == "__main__":
    sys.exit(main())

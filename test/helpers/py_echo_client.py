"""Interop client for pushgate's echo server, using Python's `websockets`
(Debian python3-websockets 10.4; run with /usr/bin/python3).

usage: py_echo_client.py PORT deflate|plain
Sends text and binary messages from 0 B to 16 MiB, plus fragmented messages,
checks each echo byte for byte, and prints one JSON line with what it checked.
Exits non-zero on any mismatch.
"""
import asyncio
import json
import sys

import websockets

SIZES = [0, 1, 125, 126, 65535, 65536, 1 << 20, 16 << 20]


def payload(size, binary):
    if binary:
        return bytes((i * 7) & 0xFF for i in range(min(size, 4096))) * (size // 4096) + bytes(
            (i * 7) & 0xFF for i in range(size % 4096)
        )
    return ("pushgate-é" * (size // 11 + 1)).encode("utf-8")[:size].decode("utf-8", "ignore")


async def main(port, mode):
    compression = "deflate" if mode == "deflate" else None
    checked = []
    async with websockets.connect(
        f"ws://127.0.0.1:{port}/echo", compression=compression, max_size=None, open_timeout=10, close_timeout=10
    ) as ws:
        negotiated = ws.response_headers.get("Sec-WebSocket-Extensions", "")
        if (compression is not None) != ("permessage-deflate" in negotiated):
            raise SystemExit(f"extension mismatch: {negotiated!r}")
        for binary in (False, True):
            for size in SIZES:
                msg = payload(size, binary)
                await ws.send(msg)
                echo = await asyncio.wait_for(ws.recv(), 60)
                if type(echo) is not type(msg) or echo != msg:
                    raise SystemExit(f"echo mismatch: binary={binary} size={size}")
                checked.append([("binary" if binary else "text"), len(msg)])
        # Fragmented: an iterable is sent as one message in several frames.
        parts = ["frag", "mented ", "κόσμε ", "x" * 70000]
        await ws.send(parts)
        echo = await asyncio.wait_for(ws.recv(), 60)
        if echo != "".join(parts):
            raise SystemExit("fragmented text mismatch")
        bparts = [b"\x00\x01", b"\xff" * 100000, b""]
        await ws.send(bparts)
        echo = await asyncio.wait_for(ws.recv(), 60)
        if echo != b"".join(bparts):
            raise SystemExit("fragmented binary mismatch")
        checked.append(["fragmented", 2])
        await ws.close(1000, "done")
        code = ws.close_code
    print(json.dumps({"checked": checked, "close_code": code, "extensions": negotiated}))


if __name__ == "__main__":
    asyncio.run(main(int(sys.argv[1]), sys.argv[2]))

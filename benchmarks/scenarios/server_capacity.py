"""How fast the benchmark server answers a lean client (raw asyncio sockets, keep-alive).

Shows the server is not the bottleneck: its capacity with a client that costs almost
nothing, to compare with the request rates the clients reach in the concurrent scenarios.
Only ``--impl raw`` measures; the other implementations are not applicable.
"""

from __future__ import annotations

import asyncio
import json
import time
from typing import Any
from urllib.parse import urlsplit

from _common import API_KEY, TASK, NotMeasured, chat_body, metric, parse_args, run


def request_bytes(base_url: str) -> tuple[str, int, bytes]:
    """The host, port and one pre-encoded chat completion request."""
    parts = urlsplit(base_url)
    body = json.dumps(chat_body(TASK)).encode()
    head = (
        f"POST {parts.path}/chat/completions HTTP/1.1\r\nhost: {parts.netloc}\r\n"
        f"authorization: Bearer {API_KEY}\r\ncontent-type: application/json\r\n"
        f"content-length: {len(body)}\r\n\r\n"
    ).encode()
    return parts.hostname or "127.0.0.1", parts.port or 80, head + body


async def worker(host: str, port: int, payload: bytes, count: int) -> None:
    reader, writer = await asyncio.open_connection(host, port)
    for _ in range(count):
        writer.write(payload)
        head = await reader.readuntil(b"\r\n\r\n")
        length = 0
        for line in head.split(b"\r\n"):
            if line[:15].lower() == b"content-length:":
                length = int(line[15:])
        body = await reader.readexactly(length)
        if not head.startswith(b"HTTP/1.1 200"):
            raise RuntimeError(f"server answered {head[:40]!r} {body[:100]!r}")
    writer.close()


async def main_async(base_url: str, quick: bool) -> dict[str, Any]:
    host, port, payload = request_bytes(base_url)
    connections, per_connection = 50, (40 if quick else 100)
    await asyncio.gather(*(worker(host, port, payload, 5) for _ in range(connections)))
    samples: list[float] = []
    rates: list[float] = []
    for _ in range(2 if quick else 3):
        start = time.perf_counter()
        await asyncio.gather(
            *(worker(host, port, payload, per_connection) for _ in range(connections))
        )
        elapsed = time.perf_counter() - start
        total = connections * per_connection
        samples.append(elapsed * 1000.0 / total)
        rates.append(total / elapsed)
    return {
        "metrics": {"per_request": metric("ms", samples)},
        "info": {"requests_per_s": [round(r) for r in rates], "connections": connections},
    }


def main() -> None:
    args = parse_args(__doc__.splitlines()[0])

    def body() -> Any:
        if args.impl != "raw":
            raise NotMeasured("measured with the lean raw client only")
        return main_async(args.base_url, args.quick)

    run("server_capacity", args.impl, body)


if __name__ == "__main__":
    main()

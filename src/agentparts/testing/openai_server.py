"""Run the OpenAI-compatible test server as its own process.

Usage::

    python -m agentparts.testing.openai_server --port 8321 --reply "Hello" --stream-words 500

It prints ``listening on http://127.0.0.1:PORT/v1`` once ready, then serves until killed.
Other processes script it over HTTP: ``POST /_control/script`` with a JSON list of answers
(strings, reply objects such as ``{"content": "hi"}``, or faults such as
``{"fault": "rate_limit", "retry_after": 0}``), ``GET /_control/requests`` and
``POST /_control/reset``.
"""

from __future__ import annotations

import argparse
import asyncio
import sys

__all__ = ["main"]


def main(argv: list[str] | None = None) -> None:
    """Parse arguments and serve until interrupted."""
    from ._openai_server import OpenAITestServer
    from ._scripted import ScriptedReply

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0 picks a free port")
    parser.add_argument("--reply", default=None, help="the default reply text (default: echo)")
    parser.add_argument(
        "--reply-words", type=int, default=None, help="default reply of N words (e.g. 500)"
    )
    parser.add_argument("--api-key", default=None, help="require this bearer key")
    parser.add_argument("--no-record", action="store_true", help="do not record requests")
    args = parser.parse_args(argv)
    default: ScriptedReply | None = None
    if args.reply_words is not None:
        default = ScriptedReply(" ".join(f"w{i}" for i in range(args.reply_words)))
    elif args.reply is not None:
        default = ScriptedReply(args.reply)
    server = OpenAITestServer(
        default_reply=default,
        host=args.host,
        port=args.port,
        api_key=args.api_key,
        record=not args.no_record,
    )

    async def run() -> None:
        await server.start()
        print(f"listening on {server.base_url}", flush=True)
        await server.serve_forever()

    try:
        asyncio.run(run())
    except KeyboardInterrupt:
        sys.exit(0)


if __name__ == "__main__":
    main()

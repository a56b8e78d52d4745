"""The peer for `npm run bench`: a FastMCP server with the same `reverse` tool as Warden's
(5 progress notifications, no delay between them) behind bearer-token auth against a JWKS.

Usage: python fastmcp_server.py --jwks-uri URI --issuer ISS --audience AUD [--scope execute]
Prints `listening on http://127.0.0.1:PORT/mcp` once it accepts connections (port chosen by the OS).
"""

import argparse
import asyncio
import logging
import socket

import uvicorn
from fastmcp import Context, FastMCP
from fastmcp.server.auth.providers.jwt import JWTVerifier

STEPS = 5


def build_server(args: argparse.Namespace) -> FastMCP:
    auth = JWTVerifier(
        jwks_uri=args.jwks_uri,
        issuer=args.issuer,
        audience=args.audience,
        algorithm="RS256",
        required_scopes=[args.scope],
    )
    mcp = FastMCP("fastmcp-peer", auth=auth)

    @mcp.tool
    async def reverse(text: str, ctx: Context) -> str:
        """Reverses a text, reporting progress in 5 steps."""
        total = len(text)
        for step in range(1, STEPS + 1):
            done = round(total * step / STEPS)
            await ctx.report_progress(step, STEPS, f"Step {step} of {STEPS}: reversed {done} of {total} characters")
        return text[::-1]

    return mcp


async def serve(args: argparse.Namespace) -> None:
    app = build_server(args).http_app(path="/mcp", stateless_http=True)
    # proto IPPROTO_TCP, as uvicorn's own bind would have it: asyncio sets TCP_NODELAY only on
    # such sockets, and without it Nagle + delayed ACKs add ~40 ms to half the answers.
    sock = socket.socket(socket.AF_INET, socket.SOCK_STREAM, socket.IPPROTO_TCP)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    sock.bind(("127.0.0.1", 0))
    port = sock.getsockname()[1]
    # No per-request access log: Warden's one JSON line per request goes to a file in the bench too.
    config = uvicorn.Config(app, log_level="warning", access_log=False, lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve(sockets=[sock]))
    while not server.started and not task.done():
        await asyncio.sleep(0.01)
    print(f"listening on http://127.0.0.1:{port}/mcp", flush=True)
    await task


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--jwks-uri", required=True)
    parser.add_argument("--issuer", required=True)
    parser.add_argument("--audience", required=True)
    parser.add_argument("--scope", default="execute")
    logging.getLogger("fastmcp").setLevel(logging.WARNING)
    asyncio.run(serve(parser.parse_args()))


if __name__ == "__main__":
    main()

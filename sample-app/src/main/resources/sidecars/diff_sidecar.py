"""The sample app's sidecar: compares two texts with difflib.

Started by the Spring Boot app as `python3 classpath:sidecars/diff_sidecar.py` (see application.yml;
`import sidecar_channel` finds the client the starter puts on PYTHONPATH). It is a JSON-RPC 2.0
server (protocol json-rpc, one JSON message per line) with one method:

    diff {"left": "...", "right": "..."}
      -> {"similarity": 0.87, "unified": "--- left\n+++ right\n...", "html": "<table ...>"}
      or the error -32602 (invalid params) saying what was wrong with the request

Responses carry the request's id, so the app matches them to their callers whatever the order. The
process ends when its input ends (the app stopped or died), as the protocol requires.

Run it by hand from the repository root:
    echo '{"jsonrpc": "2.0", "id": 1, "method": "diff", "params": {"left": "a", "right": "b"}}' \
    | PYTHONPATH=clients/python python3 sample-app/src/main/resources/sidecars/diff_sidecar.py
"""

import difflib
import signal
import sys

import sidecar_channel
from sidecar_channel import JsonRpcError

rpc = sidecar_channel.JsonRpc()

# Side-by-side columns wrap here, so long lines do not stretch the page.
WRAP_COLUMN = 60
# Unchanged lines shown around each change in the HTML table.
CONTEXT_LINES = 3
# JSON-RPC 2.0's "invalid params" error code.
INVALID_PARAMS = -32602


def similarity(left, right):
    # Character-level, like "how much of the text is shared". autojunk must be off: on texts longer
    # than 200 characters it treats every frequent character (all of them, in prose) as junk, and a
    # 98%-identical pair scores close to 0. Without it the cost grows with the product of the lengths,
    # which is why the app caps the input size.
    return difflib.SequenceMatcher(None, left, right, autojunk=False).ratio()


def compare(left, right):
    left_lines = left.splitlines()
    right_lines = right.splitlines()
    # lineterm="" plus join: splitlines() dropped the line ends, and this also copes with a last line
    # that has no newline (keeping the ends would glue it to the next diff line).
    unified = "\n".join(difflib.unified_diff(left_lines, right_lines, "left", "right", lineterm=""))
    # HtmlDiff escapes &, < and > in the texts, so the page can insert this table as HTML.
    html = difflib.HtmlDiff(wrapcolumn=WRAP_COLUMN).make_table(
        left_lines, right_lines, "left", "right", context=True, numlines=CONTEXT_LINES
    )
    return {"similarity": round(similarity(left, right), 4), "unified": unified, "html": html}


@rpc.method("diff")
def diff(params):  # a plain function: runs in the client's thread pool, off the event loop
    if not isinstance(params, dict):
        raise JsonRpcError(INVALID_PARAMS, "expected a JSON object with 'left' and 'right'")
    left, right = params.get("left"), params.get("right")
    if not isinstance(left, str) or not isinstance(right, str):
        raise JsonRpcError(INVALID_PARAMS, "'left' and 'right' must both be strings")
    try:
        return compare(left, right)
    except Exception as exc:  # noqa: BLE001 - one bad input must not take the sidecar down
        print("diff failed: {!r}".format(exc), file=sys.stderr, flush=True)
        raise JsonRpcError(-32603, "diff failed: {}".format(exc)) from exc


if __name__ == "__main__":
    # Ctrl+C in a terminal signals the whole foreground process group, and this child is in the app's.
    # The app stops us in order (end of input once the replies we owe are written); dying on SIGINT
    # first would fail the requests in flight and look like a crash to the restart policy.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Returns when the parent closes the channel; a crash here exits non-zero and the parent restarts us.
    rpc.serve()

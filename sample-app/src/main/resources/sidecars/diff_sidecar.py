"""The sample app's sidecar: compares two texts with difflib.

Started by the Spring Boot app as `python3 classpath:sidecars/diff_sidecar.py` (see application.yml;
`import sidecar_channel` finds the client the starter puts on PYTHONPATH), one JSON request
per line in, one JSON reply per line out, in request order:

    request:  {"left": "...", "right": "..."}
    reply:    {"similarity": 0.87, "unified": "--- left\n+++ right\n...", "html": "<table ...>"}
    or:       {"error": "what was wrong with the request"}

Every request gets exactly one reply, even one with missing fields: the parent matches replies to requests
by order, so a skipped reply would shift every later answer onto the wrong request. The process
ends when its input ends (the app stopped or died), as the protocol requires.

Run it by hand from the repository root: echo '{"left": "a", "right": "b"}' \
    | PYTHONPATH=clients/python python3 sample-app/src/main/resources/sidecars/diff_sidecar.py
"""

import difflib
import signal
import sys

import sidecar_channel

# Side-by-side columns wrap here, so long lines do not stretch the page.
WRAP_COLUMN = 60
# Unchanged lines shown around each change in the HTML table.
CONTEXT_LINES = 3


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


def handle(request):
    if not isinstance(request, dict):
        return {"error": "expected a JSON object with 'left' and 'right'"}
    left, right = request.get("left"), request.get("right")
    if not isinstance(left, str) or not isinstance(right, str):
        return {"error": "'left' and 'right' must both be strings"}
    try:
        return compare(left, right)
    except Exception as exc:  # noqa: BLE001 - one bad input must not take the sidecar down
        print("diff failed: {!r}".format(exc), file=sys.stderr, flush=True)
        return {"error": "diff failed: {}".format(exc)}


if __name__ == "__main__":
    # Ctrl+C in a terminal signals the whole foreground process group, and this child is in the app's.
    # The app stops us in order (end of input once the replies we owe are written); dying on SIGINT
    # first would fail the requests in flight and look like a crash to the restart policy.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    # Returns when the parent closes the channel; a crash here exits non-zero and the parent restarts us.
    sidecar_channel.serve(handle, decode="json")

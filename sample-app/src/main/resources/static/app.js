"use strict";

// Relative URLs throughout, so the page also works under a servlet context path.
const POLL_MILLIS = 1000;
const CHART_POINTS = 60;

const $ = (id) => document.getElementById(id);

// ---- diff ---------------------------------------------------------------------------------------

async function postJson(url, body) {
  const response = await fetch(url, {
    method: "POST",
    headers: { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await response.text();
  const data = text ? JSON.parse(text) : null;
  if (!response.ok) {
    // Problem details (RFC 9457) carry the reason in "detail".
    throw new Error((data && (data.detail || data.error)) || response.status + " " + response.statusText);
  }
  return data;
}

function texts() {
  return { left: $("left").value, right: $("right").value };
}

function showError(message) {
  $("error").textContent = message;
  $("error").hidden = !message;
}

function setBusy(busy, message) {
  $("compare").disabled = busy;
  $("burst").disabled = busy;
  $("status").textContent = message || "";
}

async function compare() {
  setBusy(true, "Comparing…");
  showError("");
  try {
    const result = await postJson("api/diff", texts());
    const percent = (result.similarity * 100).toFixed(1) + " %";
    $("similarity").textContent = percent;
    $("similarity-bar").style.width = percent.replace(" ", "");
    // difflib.HtmlDiff escapes &, < and > in the texts it puts into the table, so the table can be
    // inserted as HTML; everything else on this page goes in through textContent.
    $("diff-html").innerHTML = result.html;
    $("diff-unified").textContent = result.unified || "(no differences)";
    $("result").hidden = false;
    setBusy(false, "");
  } catch (error) {
    setBusy(false, "");
    showError(error.message);
  }
}

async function burst() {
  setBusy(true, "Sending 1,000 requests…");
  showError("");
  try {
    const result = await postJson("api/diff/burst?count=1000", texts());
    let message = result.succeeded + " of " + result.requests + " answered in " + result.millis + " ms";
    if (result.failed > 0) {
      message += "; " + result.failed + " failed (first: " + result.firstFailure + ")";
    }
    setBusy(false, message);
  } catch (error) {
    setBusy(false, "");
    showError(error.message);
  }
}

$("diff-form").addEventListener("submit", (event) => {
  event.preventDefault();
  compare();
});
$("burst").addEventListener("click", burst);
for (const id of ["left", "right"]) {
  $(id).addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      compare();
    }
  });
}

// ---- sidecar panels -----------------------------------------------------------------------------

/** Per sidecar: its panel's elements, the previous sample and the rates drawn in the chart. */
const panels = new Map();

function formatUptime(millis) {
  if (millis === null || millis === undefined) {
    return "—";
  }
  let seconds = Math.floor(millis / 1000);
  const hours = Math.floor(seconds / 3600);
  const minutes = Math.floor((seconds % 3600) / 60);
  seconds %= 60;
  if (hours > 0) {
    return hours + "h " + minutes + "m " + seconds + "s";
  }
  return minutes > 0 ? minutes + "m " + seconds + "s" : seconds + "s";
}

function formatExit(code) {
  if (code === null || code === undefined) {
    return "—";
  }
  // The JVM reports a death by signal n as 128 + n.
  const signals = { 9: "SIGKILL", 15: "SIGTERM", 6: "SIGABRT", 11: "SIGSEGV", 2: "SIGINT" };
  return code > 128 && signals[code - 128] ? code + " (" + signals[code - 128] + ")" : String(code);
}

function createPanel(name) {
  const node = $("sidecar-panel").content.firstElementChild.cloneNode(true);
  const find = (selector) => node.querySelector(selector);
  const panel = {
    node,
    name: find(".name"),
    state: find(".state"),
    command: find(".command"),
    pid: find(".pid"),
    uptime: find(".uptime"),
    restarts: find(".restarts"),
    lastExit: find(".last-exit"),
    chart: find(".chart"),
    rateOut: find(".rate-out"),
    rateIn: find(".rate-in"),
    peak: find(".peak"),
    message: find(".panel-message"),
    changes: find(".changes"),
    previous: null,
    points: [],
  };
  node.dataset.sidecar = name;
  find(".kill").addEventListener("click", () => act(panel, "api/sidecars/" + encodeURIComponent(name) + "/kill",
    (result) => "Sent " + result.signal + " to pid " + result.pid + "; the restart policy takes it from here."));
  find(".restart").addEventListener("click", () => act(panel, "actuator/sidecars/" + encodeURIComponent(name),
    (result) => "Restarted: " + result.state + ", pid " + result.pid + "."));
  return panel;
}

async function act(panel, url, describe) {
  panel.message.textContent = "…";
  try {
    panel.message.textContent = describe(await postJson(url));
  } catch (error) {
    panel.message.textContent = error.message;
  }
  poll();
}

function update(panel, sidecar) {
  panel.name.textContent = sidecar.name;
  panel.state.textContent = sidecar.state;
  panel.state.className = "state " + sidecar.state;
  panel.command.textContent = sidecar.command + "  ·  " + sidecar.channel;
  panel.pid.textContent = sidecar.pid > 0 ? sidecar.pid : "—";
  panel.uptime.textContent = formatUptime(sidecar.uptimeMillis);
  panel.restarts.textContent = sidecar.restarts;
  panel.lastExit.textContent = formatExit(sidecar.lastExitCode);
  panel.lastExit.title = sidecar.lastFailure || "";

  // Counters only grow, so the rate is the difference over the time between the two samples.
  const previous = panel.previous;
  if (previous && sidecar.sampledAt > previous.sampledAt) {
    const seconds = (sidecar.sampledAt - previous.sampledAt) / 1000;
    panel.points.push({
      out: (sidecar.messagesSent - previous.messagesSent) / seconds,
      in: (sidecar.messagesReceived - previous.messagesReceived) / seconds,
    });
    if (panel.points.length > CHART_POINTS) {
      panel.points.shift();
    }
  }
  panel.previous = sidecar;
  const last = panel.points[panel.points.length - 1] || { out: 0, in: 0 };
  panel.rateOut.textContent = Math.round(last.out);
  panel.rateIn.textContent = Math.round(last.in);
  panel.peak.textContent = Math.round(peakRate(panel.points));
  drawChart(panel.chart, panel.points);

  panel.changes.replaceChildren(...sidecar.changes.slice().reverse().map((change) => {
    const item = document.createElement("li");
    const time = new Date(change.at).toLocaleTimeString();
    item.textContent = time + "  " + change.from + " → " + change.to + ": " + change.reason;
    return item;
  }));
}

function peakRate(points) {
  return Math.max(0, ...points.map((p) => Math.max(p.out, p.in)));
}

function drawChart(canvas, points) {
  const context = canvas.getContext("2d");
  const { width, height } = canvas;
  context.clearRect(0, 0, width, height);
  // At least 10/s, so an idle sidecar draws flat lines at the bottom rather than noise at full scale.
  const peak = Math.max(10, peakRate(points));
  const top = peak * 1.15;
  const styles = getComputedStyle(document.documentElement);

  context.fillStyle = styles.getPropertyValue("--muted");
  context.font = "10px sans-serif";
  context.fillText(Math.round(peak) + "/s", 4, 11);
  context.strokeStyle = "#e3e6ec";
  context.beginPath();
  const peakY = height - (peak / top) * height;
  context.moveTo(0, peakY);
  context.lineTo(width, peakY);
  context.stroke();

  const step = width / (CHART_POINTS - 1);
  // Newest point at the right edge, older ones to the left of it.
  const x = (index) => width - (points.length - 1 - index) * step;
  const y = (value) => height - 1 - (value / top) * (height - 2);
  // Request/reply traffic makes both lines equal: "in" is dashed on top of a wider "out" so both show.
  const lines = [
    { key: "out", colour: styles.getPropertyValue("--accent"), width: 3, dash: [] },
    { key: "in", colour: styles.getPropertyValue("--in"), width: 1.5, dash: [4, 3] },
  ];
  for (const { key, colour, width, dash } of lines) {
    if (points.length < 2) {
      break;
    }
    context.strokeStyle = colour;
    context.lineWidth = width;
    context.setLineDash(dash);
    context.beginPath();
    points.forEach((point, index) => {
      if (index === 0) {
        context.moveTo(x(index), y(point[key]));
      } else {
        context.lineTo(x(index), y(point[key]));
      }
    });
    context.stroke();
  }
}

let polling = false;

async function poll() {
  // A slow answer must not pile up requests behind it.
  if (polling) {
    return;
  }
  polling = true;
  try {
    const response = await fetch("api/sidecars");
    if (!response.ok) {
      throw new Error(response.status + " " + response.statusText);
    }
    const sidecars = await response.json();
    const container = $("sidecars");
    if (!panels.size) {
      container.replaceChildren();
    }
    for (const sidecar of sidecars) {
      let panel = panels.get(sidecar.name);
      if (!panel) {
        panel = createPanel(sidecar.name);
        panels.set(sidecar.name, panel);
        container.appendChild(panel.node);
      }
      update(panel, sidecar);
    }
    if (!sidecars.length) {
      container.textContent = "No sidecars configured.";
    }
    $("poll-error").hidden = true;
  } catch (error) {
    $("poll-error").textContent = "Cannot read the sidecars' status: " + error.message;
    $("poll-error").hidden = false;
  } finally {
    polling = false;
  }
}

poll();
setInterval(poll, POLL_MILLIS);

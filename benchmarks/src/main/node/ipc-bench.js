'use strict';
// Node's built-in answer: child_process.fork with the IPC channel, 'json' serialization (the default).
// This one script is both sides: run without arguments after the options it is the parent and measures;
// forked with 'child' it echoes every message back. Prints one JSON line per workload, in the format
// all benchmark runners share (see cbench.c).

const { fork } = require('child_process');


function parseOptions(argv) {
  const options = {
    workloads: ['tput64', 'tput4k', 'rtt', 'bulk', 'spawn'],
    warmups: 2, runs: 5, runMs: 500, spawnWarmups: 3, spawnRuns: 10,
  };
  for (let i = 0; i + 1 < argv.length; i += 2) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--workloads': options.workloads = value.split(','); break;
      case '--warmups': options.warmups = Number(value); break;
      case '--runs': options.runs = Number(value); break;
      case '--run-ms': options.runMs = Number(value); break;
      case '--spawn-warmups': options.spawnWarmups = Number(value); break;
      case '--spawn-runs': options.spawnRuns = Number(value); break;
      default: throw new Error(`unknown option ${argv[i]}`);
    }
  }
  return options;
}

const now = () => process.hrtime.bigint();

function startChild() {
  return fork(__filename, ['child'], { serialization: 'json', stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
}

function stopChild(child) {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve();
      return;
    }
    child.once('exit', () => resolve());
    child.disconnect();
  });
}

// Keeps `window` messages in flight for runMs, then waits for every echo; returns messages per second.
function pipelinedRun(child, payload, window, runMs) {
  return new Promise((resolve, reject) => {
    const start = now();
    const deadline = start + BigInt(runMs) * 1000000n;
    let sent = 0;
    let inFlight = 0;
    let sending = true;
    const onMessage = (message) => {
      if (message.length !== payload.length) {
        child.off('message', onMessage);
        reject(new Error(`echo of ${message.length} characters for ${payload.length}`));
        return;
      }
      inFlight--;
      if (sending && now() < deadline) {
        child.send(payload);
        sent++;
        inFlight++;
      } else {
        sending = false;
        if (inFlight === 0) {
          const seconds = Number(now() - start) / 1e9;
          child.off('message', onMessage);
          resolve(sent / seconds);
        }
      }
    };
    child.on('message', onMessage);
    for (let i = 0; i < window; i++) {
      child.send(payload);
      sent++;
      inFlight++;
    }
  });
}

async function pipelined(options, workload, size, window, bulk) {
  const payload = 'x'.repeat(size);
  const child = startChild();
  const values = [];
  try {
    for (let run = 0; run < options.warmups + options.runs; run++) {
      const rate = await pipelinedRun(child, payload, window, options.runMs);
      if (run >= options.warmups) {
        values.push(bulk ? rate * size / 1e6 : rate);
      }
    }
  } finally {
    await stopChild(child);
  }
  return bulk ? { mbps: values } : { rate: values };
}

function pingPongRun(child, payload, runMs) {
  return new Promise((resolve, reject) => {
    const samples = [];
    const deadline = now() + BigInt(runMs) * 1000000n;
    let sentAt = now();
    const onMessage = (message) => {
      const end = now();
      if (message.length !== payload.length) {
        child.off('message', onMessage);
        reject(new Error(`echo of ${message.length} characters for ${payload.length}`));
        return;
      }
      samples.push(Number(end - sentAt));
      if (end < deadline) {
        sentAt = now();
        child.send(payload);
      } else {
        child.off('message', onMessage);
        resolve(samples);
      }
    };
    child.on('message', onMessage);
    child.send(payload);
  });
}

// Nearest-rank percentile in microseconds, the same rule as the C and Java runners.
function percentile(sorted, p) {
  return sorted[Math.round(p * (sorted.length - 1))] / 1000;
}

async function rtt(options) {
  const payload = 'x'.repeat(64);
  const child = startChild();
  const result = { p50: [], p99: [], p999: [] };
  try {
    for (let run = 0; run < options.warmups + options.runs; run++) {
      const samples = await pingPongRun(child, payload, options.runMs);
      if (run >= options.warmups) {
        samples.sort((a, b) => a - b);
        result.p50.push(percentile(samples, 0.5));
        result.p99.push(percentile(samples, 0.99));
        result.p999.push(percentile(samples, 0.999));
      }
    }
  } finally {
    await stopChild(child);
  }
  return result;
}

async function spawn(options) {
  const payload = 'x'.repeat(64);
  const values = [];
  for (let run = 0; run < options.spawnWarmups + options.spawnRuns; run++) {
    const start = now();
    const child = startChild();
    await new Promise((resolve) => {
      child.once('message', resolve);
      child.send(payload);
    });
    const end = now();
    await stopChild(child);
    if (run >= options.spawnWarmups) {
      values.push(Number(end - start) / 1e6);
    }
  }
  return { ms: values };
}

function print(workload, metrics) {
  const parts = Object.entries(metrics).map(
    ([key, values]) => `"${key}":[${values.map((v) => v.toFixed(3)).join(',')}]`);
  process.stdout.write(`{"workload":"${workload}",${parts.join(',')}}\n`);
}

async function main() {
  const options = parseOptions(process.argv.slice(2));
  const workloads = {
    tput64: () => pipelined(options, 'tput64', 64, 64, false),
    tput4k: () => pipelined(options, 'tput4k', 4096, 64, false),
    rtt: () => rtt(options),
    bulk: () => pipelined(options, 'bulk', 1024 * 1024, 4, true),
    spawn: () => spawn(options),
  };
  for (const id of options.workloads) {
    try {
      print(id, await workloads[id]());
    } catch (error) {
      console.error(error);
      process.stdout.write(`{"workload":"${id}","error":${JSON.stringify(String(error))}}\n`);
    }
  }
}

if (process.argv[2] === 'child') {
  process.on('message', (message) => process.send(message));
  // The parent disconnects when it is done (or dies): exit then, never linger.
  process.on('disconnect', () => process.exit(0));
} else {
  main().then(
    () => process.exit(0),
    (error) => {
      console.error(error);
      process.exit(1);
    });
}

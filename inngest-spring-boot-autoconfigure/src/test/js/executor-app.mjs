// An app on the official SDK whose executor is the Spring application under test
// (ExecutorEndToEndTests): its baseUrl is $BASE_URL, so it syncs to $BASE_URL's /fn/register
// and sends events to its Event API; the application may also sync it in band (InBandSyncEndToEndTests),
// which $INNGEST_ALLOW_IN_BAND_SYNC=false turns down. Its id is $APP_ID, else jsapp. Listens on 127.0.0.1:$PORT; GET /counters answers how
// often each step's code ran, and when, so that a test can tell memoized steps from re-run ones,
// the attempts each run's calls carried, and which of its calls came with use_api.
import http from "node:http";
import { Inngest, NonRetriableError, RetryAfterError, invoke, referenceFunction, staticSchema } from "inngest";
import { serve } from "inngest/node";

const inngest = new Inngest({
  id: process.env.APP_ID ?? "jsapp",
  signingKey: process.env.SIGNING_KEY,
  eventKey: process.env.EVENT_KEY,
  isDev: false,
  baseUrl: process.env.BASE_URL,
});

const counts = {};
const times = {};
const attempts = {};
const useApi = {};
const count = (name) => {
  counts[name] = (counts[name] ?? 0) + 1;
  (times[name] ??= []).push(Date.now());
  return counts[name];
};

// Functions that others invoke (step.invoke), and are triggered by events nobody sends.
const add = inngest.createFunction({ id: "add", triggers: [{ event: "js/add" }] }, async ({ event, step }) => {
  const sum = await step.run("sum", () => { count("add:" + event.data.key); return event.data.a + event.data.b; });
  return { sum, event: event.name, v: event.v ?? null, correlated: typeof event.data._inngest?.correlation_id };
});
const failing = inngest.createFunction({ id: "failing", retries: 0, triggers: [{ event: "js/failing" }] },
  async ({ event }) => {
    count("failing:" + event.data.key);
    throw new NonRetriableError("out of stock");
  });
const slow = inngest.createFunction({ id: "slow", triggers: [{ event: "js/slow" }] }, async ({ event, step }) => {
  await step.sleep("long", event.data.sleep);
  return await step.run("wake", () => { count("slow:" + event.data.key); return "late"; });
});

// Functions that only step.invoke runs: the SDK registers them with no triggers.
const triple = inngest.createFunction({ id: "triple", triggers: [invoke(staticSchema())] },
  async ({ event }) => event.data.n * 3);
const negate = inngest.createFunction({ id: "negate" }, async ({ event }) => -event.data.n);

const caught = (err) => ({ caught: err.name + ": " + err.message });

const functions = [
  add,
  failing,
  slow,
  triple,
  negate,
  inngest.createFunction({ id: "invoke-only", triggers: [{ event: "js/invoke-only" }] }, async ({ event, step }) => {
    const tripled = await step.invoke("call-triple", { function: triple, data: { n: event.data.n } });
    const negated = await step.invoke("call-negate", { function: negate, data: { n: tripled } });
    return { tripled, negated };
  }),
  inngest.createFunction({ id: "too-large", retries: 1, triggers: [{ event: "js/too-large" }] },
    async ({ event, step }) => {
      try {
        const big = await step.run("big", () => { count("big:" + event.data.key); return "x".repeat(event.data.size); });
        return big.length;
      } catch (err) {
        return caught(err);
      }
    }),
  inngest.createFunction({ id: "race", triggers: [{ event: "js/race" }] }, async ({ event, step }) => {
    const winner = await Promise.race([
      step.waitForEvent("approval", { event: "js/approve", match: "data.key", timeout: "1h" })
        .then((e) => (e ? "approved" : "expired")),
      step.sleep("deadline", event.data.deadline).then(() => "deadline"),
    ]);
    const after = await step.run("after-race", () => { count(`after-race:${event.data.key}:${winner}`); return winner; });
    return after;
  }),
  inngest.createFunction({ id: "invoke-both", triggers: [{ event: "js/invoke-both" }] }, async ({ event, step }) => {
    const key = event.data.key;
    const [slowed, tripled] = await Promise.all([
      step.invoke("call-slow-too", { function: slow, data: { key, sleep: "2s" } }),
      step.invoke("call-triple-too", { function: triple, data: { key, n: 2 } }),
    ]);
    return { slowed, tripled };
  }),
  inngest.createFunction({ id: "all-waits", triggers: [{ event: "js/all-waits" }] }, async ({ event, step }) => {
    const [x, a, b] = await Promise.all([
      step.run("x", () => { count("x:" + event.data.key); return 1; }),
      step.waitForEvent("wa", { event: "js/wa", match: "data.key", timeout: "1h" }),
      step.waitForEvent("wb", { event: "js/wb", match: "data.key", timeout: "1h" }),
    ]);
    return { x, a: a?.data.n ?? null, b: b?.data.n ?? null };
  }),
  inngest.createFunction({ id: "invoker", triggers: [{ event: "js/invoker" }] }, async ({ event, step }) => {
    const key = event.data.key;
    const added = await step.invoke("add-them", { function: add, data: { a: 2, b: 3, key }, v: "2026-01" });
    const again = await step.run("after", () => added.sum * 10);
    return { added, again };
  }),
  inngest.createFunction({ id: "invoke-failing", triggers: [{ event: "js/invoke-failing" }] },
    async ({ event, step }) => {
      try {
        await step.invoke("call-failing", { function: failing, data: { key: event.data.key } });
        return "no error";
      } catch (err) {
        return caught(err);
      }
    }),
  inngest.createFunction({ id: "invoke-slow", triggers: [{ event: "js/invoke-slow" }] }, async ({ event, step }) => {
    try {
      const result = await step.invoke("call-slow", {
        function: slow, data: { key: event.data.key, sleep: event.data.sleep }, timeout: event.data.timeout,
      });
      return { result };
    } catch (err) {
      return caught(err);
    }
  }),
  inngest.createFunction({ id: "invoke-java", triggers: [{ event: "js/invoke-java" }] }, async ({ event, step }) => {
    return await step.invoke("call-java", {
      function: referenceFunction({ appId: "javaapp", functionId: "java-double" }),
      data: { n: event.data.n, key: event.data.key },
    });
  }),
  inngest.createFunction({ id: "invoke-missing", triggers: [{ event: "js/invoke-missing" }] }, async ({ step }) => {
    try {
      await step.invoke("call-missing", { function: referenceFunction({ functionId: "no-such-function" }) });
      return "no error";
    } catch (err) {
      return caught(err);
    }
  }),
  inngest.createFunction({ id: "steps", triggers: [{ event: "js/steps" }] }, async ({ event, step }) => {
    const key = event.data.key;
    const first = await step.run("first", () => { count("first:" + key); return { n: event.data.n }; });
    await step.sleep("pause", "1s");
    const second = await step.run("second", () => { count("second:" + key); return first.n + 1; });
    return { first, second };
  }),
  // A wildcard trigger, started by every event whose name starts with js/wild.
  inngest.createFunction({ id: "wildcard", triggers: [{ event: "js/wild.*" }] }, async ({ event }) => event.name),
  // Steps buffered while the SDK checkpoints, reported with the function's end.
  inngest.createFunction({ id: "buffered", checkpointing: { bufferedSteps: 3 }, triggers: [{ event: "js/buffered" }] },
    async ({ event, step }) => {
      const key = event.data.key;
      const a = await step.run("a", () => { count("a:" + key); return 1; });
      const b = await step.run("b", () => { count("b:" + key); return 2; });
      return a + b;
    }),
  inngest.createFunction({ id: "flaky", retries: 2, triggers: [{ event: "js/flaky" }] },
    async ({ event, step }) => {
      const key = event.data.key;
      return await step.run("charge", () => {
        if (count("charge:" + key) < 3) {
          throw new Error("gateway timeout");
        }
        return "charged";
      });
    }),
  inngest.createFunction({ id: "flaky-body", retries: 2, triggers: [{ event: "js/flaky-body" }] },
    async ({ event, step, attempt }) => {
      const key = event.data.key;
      (attempts[key] ??= []).push(attempt);
      // On a call's first attempt the SDK runs on past a step it executed while it reports
      // that step, and drops what follows: stop there, so that the code after a step runs
      // only over its memoized result.
      let ran = false;
      const a = await step.run("a", () => { ran = true; return "a"; });
      if (ran) {
        throw new Error("a ran in this call");
      }
      if (count("after-a:" + key) <= 2) {
        throw new Error("not yet after a");
      }
      const b = await step.run("b", () => { ran = true; return "b"; });
      if (ran) {
        throw new Error("b ran in this call");
      }
      if (count("after-b:" + key) <= 2) {
        throw new Error("not yet after b");
      }
      return a + b;
    }),
  inngest.createFunction({ id: "large", triggers: [{ event: "js/large" }] }, async ({ event, events, step }) => {
    const key = event.data.key;
    const a = await step.run("big-a", () => { count("big-a:" + key); return "a".repeat(event.data.size); });
    const b = await step.run("big-b", () => { count("big-b:" + key); return "b".repeat(event.data.size); });
    return { a: a.length, b: b.length, ends: a.slice(-1) + b.slice(-1), events: events.map((e) => e.data.key) };
  }),
  inngest.createFunction({ id: "compensate", retries: 1, triggers: [{ event: "js/compensate" }] },
    async ({ event, step }) => {
      const key = event.data.key;
      try {
        await step.run("charge", () => { count("declined:" + key); throw new Error("declined"); });
        return "charged";
      } catch (err) {
        return await step.run("refund", () => "refunded after " + err.message);
      }
    }),
  inngest.createFunction({ id: "non-retriable", retries: 3, triggers: [{ event: "js/non-retriable" }] },
    async ({ event }) => {
      count("non-retriable:" + event.data.key);
      throw new NonRetriableError("no such order");
    }),
  inngest.createFunction({ id: "retry-after", triggers: [{ event: "js/retry-after" }] }, async ({ event, step }) => {
    const key = event.data.key;
    return await step.run("throttled", () => {
      if (count("throttled:" + key) === 1) {
        throw new RetryAfterError("slow down", "2s");
      }
      return "through";
    });
  }),
  inngest.createFunction({
    id: "with-handler",
    retries: 0,
    triggers: [{ event: "js/with-handler" }],
    onFailure: async ({ event, error }) => {
      count("on-failure:" + event.data.event.data.key);
      return { handled: error.message, functionId: event.data.function_id };
    },
  }, async () => {
    throw new Error("boom");
  }),
  inngest.createFunction({
    id: "cancellable",
    triggers: [{ event: "js/cancellable" }],
    cancelOn: [
      { event: "js/cancel", match: "data.key" },
      { event: "js/stop", if: "async.data.reason == 'stop' && async.data.key == event.data.key" },
      // Dates are sent as RFC 3339 instants: one rule that lasts a day, one long over.
      { event: "js/cancel-by-date", match: "data.key", timeout: new Date(Date.now() + 86_400_000) },
      { event: "js/cancel-expired", match: "data.key", timeout: new Date("2000-01-01T00:00:00Z") },
    ],
  }, async ({ step }) => {
    await step.sleep("nap", "1h");
    return "woke";
  }),
  inngest.createFunction({ id: "waiter", triggers: [{ event: "js/waiter" }] }, async ({ step }) => {
    const paid = await step.waitForEvent("wait-pay", { event: "js/paid", timeout: "1h", match: "data.key" });
    const late = await step.waitForEvent("wait-late", { event: "js/late", timeout: "1s" });
    return { paid: paid ? paid.data.amount : null, late: late === null ? "timed out" : "arrived" };
  }),
  inngest.createFunction({ id: "sender", triggers: [{ event: "js/sender" }] }, async ({ event, step }) => {
    const sent = await step.sendEvent("to-java", { name: "java/hello", data: { key: event.data.key } });
    return sent.ids.length;
  }),
  inngest.createFunction({ id: "parallel", triggers: [{ event: "js/parallel" }] }, async ({ event, step }) => {
    const key = event.data.key;
    const [a, b] = await Promise.all([
      step.run("a", () => { count("a:" + key); return 1; }),
      step.run("b", () => { count("b:" + key); return 2; }),
    ]);
    const c = await step.run("c", () => { count("c:" + key); return a + b; });
    return { a, b, c };
  }),
  // Two parallel steps that each fail once: each is retried with its own next attempt.
  inngest.createFunction({ id: "parallel-flaky", retries: 1, triggers: [{ event: "js/parallel-flaky" }] },
    async ({ event, step, attempt }) => {
      const key = event.data.key;
      const flaky = (name) => step.run(name, () => {
        (attempts[`${name}:${key}`] ??= []).push(attempt);
        if (count(`${name}:${key}`) === 1) {
          throw new Error(`${name} not yet`);
        }
        return name;
      });
      return await Promise.all([flaky("a"), flaky("b")]);
    }),
  // A step that fails, to be retried 8 s later, beside a wait that ends first: awaited
  // with it, or raced against it.
  ...["all", "race"].map((mode) => inngest.createFunction(
    { id: `retry-beside-wait-${mode}`, retries: 1, triggers: [{ event: `js/retry-beside-wait-${mode}` }] },
    async ({ event, step, attempt }) => {
      const key = event.data.key;
      const steps = [
        step.run("a", () => {
          (attempts[`a-${mode}:${key}`] ??= []).push(attempt);
          if (count(`a-${mode}:${key}`) === 1) {
            throw new RetryAfterError("not yet", "8s");
          }
          return "a";
        }),
        step.waitForEvent("woken", { event: "js/wake", match: "data.key", timeout: "1h" }).then((e) => e && "woken"),
      ];
      return mode === "all" ? await Promise.all(steps) : await Promise.race(steps);
    })),
  inngest.createFunction({ id: "parallel-slow", triggers: [{ event: "js/parallel-slow" }] }, async ({ event, step }) => {
    const key = event.data.key;
    const slowly = (name) => step.run(name, async () => {
      count(`${name}-began:${key}`);
      await new Promise((resolve) => setTimeout(resolve, 2000));
      count(`${name}-ended:${key}`);
      return name;
    });
    return await Promise.all([slowly("a"), slowly("b")]);
  }),
  inngest.createFunction({ id: "from-java", triggers: [{ event: "js/from-java" }] }, async ({ event }) => {
    return { got: event.data.key };
  }),
];

const handler = serve({ client: inngest, functions });

// Notes whether a call came with use_api, by the key of its run's event, which a trimmed call
// still carries.
const noteCall = (body) => {
  try {
    const call = JSON.parse(body.toString("utf8"));
    const key = call?.event?.data?.key;
    if (key !== undefined) {
      (useApi[key] ??= []).push(call?.ctx?.use_api === true);
    }
  } catch {
    // Not a call: the SDK answers it.
  }
};

// The SDK reads a request's body through req.on("data") and req.on("end"): hand it the bytes
// read here.
const replay = (req, body) => {
  const on = req.on.bind(req);
  req.on = (name, listener) => {
    if (name === "data") {
      setImmediate(() => listener(body));
      return req;
    }
    if (name === "end") {
      setImmediate(() => listener());
      return req;
    }
    return on(name, listener);
  };
};

http.createServer(async (req, res) => {
  if (req.method === "GET" && req.url === "/counters") {
    res.writeHead(200, { "Content-Type": "application/json" });
    res.end(JSON.stringify({ counts, times, attempts, useApi }));
    return;
  }
  if (req.method === "POST") {
    const chunks = [];
    for await (const chunk of req) {
      chunks.push(chunk);
    }
    const body = Buffer.concat(chunks);
    noteCall(body);
    replay(req, body);
  }
  handler(req, res);
}).listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));

// The official SDK serving the functions that RemoteCallsReferenceTests declares in Java: keep
// the two in step. Listens on 127.0.0.1:$PORT; sends events to $EVENT_API.
import http from "node:http";
import { Inngest, NonRetriableError, RetryAfterError } from "inngest";
import { serve } from "inngest/node";

const inngest = new Inngest({
  id: "steps",
  signingKey: process.env.SIGNING_KEY,
  eventKey: "test-event-key",
  isDev: false,
  baseUrl: process.env.EVENT_API,
});

const functions = [
  inngest.createFunction({ id: "two-steps", triggers: [{ event: "t/go" }] }, async ({ event, step }) => {
    const first = await step.run("first", () => ({ n: event.data.n, label: "one" }));
    const second = await step.run("second", () => first.n + 1);
    return { first, second };
  }),
  inngest.createFunction({ id: "flaky", retries: 2, triggers: [{ event: "t/go" }] }, async ({ step }) => {
    await step.run("charge", () => { throw new Error("gateway timeout"); });
    return "unreachable";
  }),
  inngest.createFunction({ id: "compensate", retries: 0, triggers: [{ event: "t/go" }] }, async ({ step }) => {
    try {
      await step.run("charge", () => { throw new Error("declined"); });
      return "charged";
    } catch (err) {
      return await step.run("refund", () => "refunded after " + err.message);
    }
  }),
  inngest.createFunction({ id: "sleeper", triggers: [{ event: "t/go" }] }, async ({ step }) => {
    await step.sleep("nap", "90m");
    return "woke";
  }),
  inngest.createFunction({ id: "waiter", triggers: [{ event: "t/go" }] }, async ({ step }) => {
    const paid = await step.waitForEvent("wait-pay", { event: "shop/paid", timeout: "2d", match: "data.id" });
    const again = await step.waitForEvent("wait-ship", { event: "shop/shipped", timeout: "1h",
      if: "async.data.ok == true" });
    return { paid: paid ? paid.data : null, shipped: again !== null };
  }),
  inngest.createFunction({ id: "fails", triggers: [{ event: "t/go" }] }, async () => {
    throw new Error("broken func");
  }),
  inngest.createFunction({ id: "fails-for-good", triggers: [{ event: "t/go" }] }, async () => {
    throw new NonRetriableError("no such order");
  }),
  inngest.createFunction({ id: "later", triggers: [{ event: "t/go" }] }, async () => {
    throw new RetryAfterError("rate limited", "30s");
  }),
  inngest.createFunction({ id: "step-for-good", triggers: [{ event: "t/go" }] }, async ({ step }) => {
    await step.run("validate", () => { throw new NonRetriableError("invalid card"); });
    return "unreachable";
  }),
  inngest.createFunction({ id: "loop", triggers: [{ event: "t/go" }] }, async ({ step }) => {
    let total = 0;
    for (let i = 0; i < 3; i++) {
      total += await step.run("item", () => i * 10);
    }
    return total;
  }),
  inngest.createFunction({ id: "named-like-repeat", triggers: [{ event: "t/go" }] }, async ({ step }) => {
    const first = await step.run("item", () => "first item");
    const named = await step.run("item:1", () => "named item:1");
    const repeat = await step.run("item", () => "repeated item");
    return [first, named, repeat].join("|");
  }),
  inngest.createFunction({ id: "sender", triggers: [{ event: "t/go" }] }, async ({ step }) => {
    const sent = await step.sendEvent("notify", { name: "shop/notified", data: { id: 7 } });
    return sent.ids;
  }),
  inngest.createFunction({ id: "nothing", triggers: [{ event: "t/go" }] }, async () => {
  }),
  inngest.createFunction({ id: "step-later", triggers: [{ event: "t/go" }] }, async ({ step }) => {
    await step.run("throttled", () => { throw new RetryAfterError("slow down", "45s"); });
    return "unreachable";
  }),
  inngest.createFunction({ id: "until", triggers: [{ event: "t/go" }] }, async ({ step }) => {
    await step.sleepUntil("alarm", new Date("2027-01-02T03:04:05Z"));
    return "rang";
  }),
];

http.createServer(serve({ client: inngest, functions }))
  .listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));

// The official SDK serving the functions that FunctionConfigsReferenceTests declares in Java:
// keep the two in step. Listens on 127.0.0.1:$PORT and syncs to the platform at $API.
import http from "node:http";
import { Inngest } from "inngest";
import { serve } from "inngest/node";

const inngest = new Inngest({
  id: "shop",
  signingKey: process.env.SIGNING_KEY,
  isDev: false,
  baseUrl: process.env.API,
});

const functions = [
  inngest.createFunction({
    id: "process-order",
    name: "Process order",
    triggers: [{ event: "shop/order.placed", if: "event.data.amount > 10" }],
    retries: 3,
    cancelOn: [
      { event: "shop/order.cancelled", match: "data.orderId", timeout: "1h" },
      { event: "shop/order.voided", if: "event.data.orderId == async.data.id" },
    ],
    timeouts: { start: "10m", finish: "2h" },
    onFailure: async () => "handled",
  }, async () => "ok"),
  // What an @OnCancel handler of process-order is: the SDK has no such option, so it is the
  // function one would write by hand for it.
  inngest.createFunction({
    id: "process-order-cancel",
    name: "Process order (cancellation handler)",
    triggers: [{ event: "inngest/function.cancelled", if: "event.data.function_id == 'shop-process-order'" }],
    retries: 1,
  }, async () => "cleaned"),
  inngest.createFunction({ id: "nightly", triggers: [{ cron: "TZ=Europe/Paris 0 3 * * *" }] }, async () => "n"),
  inngest.createFunction({ id: "two-events", triggers: [{ event: "a/one" }, { event: "a/two" }] }, async () => "t"),
];

http.createServer(serve({ client: inngest, functions }))
  .listen(Number(process.env.PORT), "127.0.0.1", () => console.log("listening"));

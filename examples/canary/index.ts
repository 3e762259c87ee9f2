export { type CanaryDemo, type DemoCandidate, runDemoCanaries, startCanaryDemo } from "./demo.js";
export {
  type CanaryModelServer,
  type CanaryModelServerOptions,
  type Fault,
  type LogLine,
  startCanaryModelServer,
  VERSION_HEADER,
} from "./model-server.js";
export { freePort, type Nginx, type Prometheus, startNginx, startPrometheus } from "./real-parts.js";
export { type ShadowCandidate, type ShadowDemo, startShadowDemo } from "./shadow-demo.js";
export { type ShopperOptions, type Shoppers, startShoppers } from "./shoppers.js";
export { startUserTraffic, type UserTraffic, type UserTrafficOptions } from "./user-traffic.js";

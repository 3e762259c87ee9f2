export { type CanaryDemo, type DemoCandidate, runDemoCanaries, startCanaryDemo } from "./demo.js";
export {
  type CanaryModelServer,
  type CanaryModelServerOptions,
  startCanaryModelServer,
  VERSION_HEADER,
} from "./model-server.js";
export { freePort, type Nginx, type Prometheus, startNginx, startPrometheus } from "./real-parts.js";
export { startUserTraffic, type UserTraffic } from "./user-traffic.js";

export {
  exampleBodies,
  FEATURES,
  featureProblem,
  PREDICT_RESPONSE_SCHEMA,
  type Prediction,
  predict,
} from "./model.js";
export { type ExampleServer, type ExampleServerOptions, startExampleServer } from "./server.js";

export { type CycloneDxOptions, type SbomImage, toCycloneDx } from "./cyclonedx.js";

export { openZip, unsafeNameReason, type ZipArchive, type ZipEntry, type ZipLimits } from "./reader.js";

export * from "./merkle.js";

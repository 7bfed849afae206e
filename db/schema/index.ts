export * from "./users";
export * from "./auth";
export * from "./audit";
export * from "./mail";
export * from "./generation";
export * from "./review";
export * from "./notifications";
export * from "./rights";

// The HTTP edge of the app: reading input, answering with 4xx next to fields, running a form's
// intent (parse → domain → deliver email → flash redirect). Domains never import from here.
export * from "./downloads";
export * from "./input";
export * from "./intents";
export * from "./responses";

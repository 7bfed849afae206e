import { createContext, useContext } from "react";

// The CSP nonce of this response. Only the server knows it; in the browser it is empty, which is
// fine because scripts added after hydration come from our own origin.
const NonceContext = createContext<string>("");
export const NonceProvider = NonceContext.Provider;
export const useNonce = () => useContext(NonceContext);

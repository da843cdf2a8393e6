/** What a model can do, as the router checks it against a request. Types only. */
export type Capability = 'tools' | 'vision' | 'json_schema' | 'streaming' | 'reasoning';

/** Every capability resolved to yes or no (descriptor, catalog, provider or default). */
export type CapabilitySet = { readonly [K in Capability]: boolean };

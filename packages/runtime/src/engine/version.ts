/** Engine numeric version; bump on any change that can alter a single output bit. */
export const ENGINE_VERSION = "mai-engine/1";

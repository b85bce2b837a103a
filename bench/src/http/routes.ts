/** What the bench servers' routes send, shared by server.ts and the report. */

/** Events per SSE response. */
export const SSE_EVENTS = 50;

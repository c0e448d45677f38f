// Every feature's handlers, registered with the dispatcher in main.ts.
// A new classroom feature is a new file here plus one line below.
import type { Handler } from '../signalling/handler.js';
import { mediaHandlers } from './media.js';
import { sessionHandlers } from './session.js';

export const allHandlers: Handler[] = [...sessionHandlers, ...mediaHandlers] as Handler[];

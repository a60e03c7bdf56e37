import { setMaxListeners } from 'node:events';

/** A controller whose signal any number of waits may listen to without a leak warning. */
export function unlimited(controller: AbortController): AbortController {
  setMaxListeners(0, controller.signal);
  return controller;
}

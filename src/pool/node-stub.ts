// What the browser build (dist/browser.js) gets in place of piscina: research worker pools need
// Node's worker threads (a page's batch runs stay on the calling thread).
import { WorkersUnavailableError } from "../errors.js";

export class Piscina {
  constructor() {
    throw new WorkersUnavailableError("createResearchPool", "research worker pools need Node's worker_threads; in a browser, runResearch and runResearchBatch run on the calling thread");
  }
}

export default { Piscina };

import autocannon from 'autocannon';

export interface Scenario {
  name: string;
  method: 'GET' | 'POST';
  /** Path and query string. */
  path: string;
  /** When set, each request's path and query instead of `path` (e.g. spread over many resources). */
  nextPath?: () => string;
  headers: Record<string, string>;
  body?: Buffer;
  connections: number;
  durationSeconds: number;
  /** Any other status counts as an error. */
  expectedStatus: number;
}

export interface ScenarioResult {
  name: string;
  /** Completed responses. */
  requests: number;
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  /** Responses with another status than expected, plus connection errors and timeouts. */
  errors: number;
  errorRate: number;
  statusCodes: Record<string, number>;
}

/** Runs one scenario with autocannon (closed loop: each connection sends its next request on a reply). */
export function runScenario(baseUrl: string, scenario: Scenario): Promise<ScenarioResult> {
  const options: autocannon.Options = {
    url: `${baseUrl}${scenario.path}`,
    method: scenario.method,
    headers: scenario.headers,
    body: scenario.body,
    connections: scenario.connections,
    duration: scenario.durationSeconds,
    timeout: 10,
    title: scenario.name,
  };
  const { nextPath } = scenario;
  if (nextPath) {
    // `requests` with `setupRequest` is autocannon API that bench/autocannon.d.ts does not declare.
    Object.assign(options, {
      requests: [{ setupRequest: (req: { path: string }) => ({ ...req, path: nextPath() }) }],
    });
  }
  return new Promise((resolve, reject) => {
    autocannon(options, (error, result) => (error ? reject(error) : resolve(summarize(scenario, result))));
  });
}

function summarize(scenario: Scenario, result: autocannon.Result): ScenarioResult {
  const statusCodes = Object.fromEntries(
    Object.entries(result.statusCodeStats).map(([code, { count }]) => [code, count]),
  );
  const completed = result.requests.total;
  const expected = statusCodes[String(scenario.expectedStatus)] ?? 0;
  const errors = completed - expected + result.errors;
  const attempts = completed + result.errors;
  return {
    name: scenario.name,
    requests: completed,
    requestsPerSecond: result.duration > 0 ? completed / result.duration : 0,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    errors,
    errorRate: attempts > 0 ? errors / attempts : 1,
    statusCodes,
  };
}

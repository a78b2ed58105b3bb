import { boundedRequest, BoundedRequestError } from '../../common/http/bounded-request.js';

/** More than any ticker answer for a few markets; a bigger body is not a ticker. */
const MAX_BODY_BYTES = 1024 * 1024;

/**
 * GET `url` and return its body as text when the status is 200. The whole exchange — connect, headers,
 * body — must end within `timeoutMs`; redirects are not followed. Rejects with a short English reason.
 */
export async function httpGetText(url: URL, timeoutMs: number): Promise<string> {
  let answer;
  try {
    answer = await boundedRequest(url, { timeoutMs, maxBodyBytes: MAX_BODY_BYTES });
  } catch (e) {
    throw e instanceof BoundedRequestError ? new Error(e.message) : e;
  }
  if (answer.status !== 200) throw new Error(`answered HTTP ${answer.status}`);
  return answer.text;
}

/** The few API calls the bench makes outside the load itself. */

export async function createOrganization(
  baseUrl: string,
  adminKey: string,
): Promise<{ key: string; organizationId: string }> {
  const res = await fetch(`${baseUrl}/api/v1/organizations`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${adminKey}`, 'Content-Type': 'application/json' },
    body: JSON.stringify({ name: 'bench' }),
  });
  const body = (await res.json()) as { organization?: { id: string }; apiKey?: { key: string } };
  if (res.status !== 201 || !body.organization || !body.apiKey) {
    throw new Error(`POST /api/v1/organizations answered ${res.status}: ${JSON.stringify(body)}`);
  }
  return { key: body.apiKey.key, organizationId: body.organization.id };
}

export interface PageCursor {
  page: number;
  cursor: string;
  /** The list ended here, before the page asked for. */
  last: boolean;
}

/**
 * Follows `next_cursor` from the first page of GET /invoice?`query` and returns the cursor that opens
 * each page of `depths` (page 1 has none); when the list is shorter, its last page instead of the
 * missing ones.
 */
export async function walkCursors(
  baseUrl: string,
  headers: Record<string, string>,
  query: string,
  depths: number[],
): Promise<PageCursor[]> {
  const deepest = Math.max(...depths);
  const found: PageCursor[] = [];
  let cursor: string | null = null;
  for (let page = 1; page <= deepest; page++) {
    const res = await fetch(`${baseUrl}/invoice?${query}${cursor ? `&cursor=${cursor}` : ''}`, { headers });
    if (res.status !== 200) throw new Error(`GET /invoice page ${page} answered ${res.status}`);
    const body = (await res.json()) as { has_more: boolean; next_cursor: string | null };
    if (cursor && depths.includes(page)) found.push({ page, cursor, last: !body.next_cursor });
    if (!body.next_cursor) {
      if (cursor && !depths.includes(page)) found.push({ page, cursor, last: true });
      break;
    }
    cursor = body.next_cursor;
  }
  return found;
}

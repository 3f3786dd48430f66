/**
 * Maps `items` through `task` with at most `limit` tasks in flight, keeping
 * the results in order: memory stays bounded by `limit`, not by the number
 * of items.
 *
 * @example
 * const facts = await mapLimited(records, 8, (record) => verifyRecord(record, context));
 */
export async function mapLimited<T, R>(items: readonly T[], limit: number, task: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let next = 0;
  const run = async (): Promise<void> => {
    while (next < items.length) {
      const index = next++;
      results[index] = await task(items[index]!);
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, Math.min(limit, items.length)) }, run));
  return results;
}

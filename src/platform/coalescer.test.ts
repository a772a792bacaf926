import { describe, expect, it } from 'vitest';
import { createCoalescer } from './coalescer.ts';

/** A `run` whose batches finish only when the test says so; it records what each batch got. */
function controlledRun() {
  const batches: Array<{ key: string; items: number[]; finish(fail?: Error): void }> = [];
  const run = (key: string, items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({ key, items, finish: (fail) => (fail ? reject(fail) : resolve(items.map((i) => `${key}:${i * 10}`))) });
    });
  return { batches, run };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe('coalescer', () => {
  it('runs a lone call at once, and gathers what arrives meanwhile into the next batch, in order', async () => {
    const { batches, run } = controlledRun();
    const c = createCoalescer(run, { maxBatch: 100 });
    const first = c.submit('org', 1);
    expect(batches.map((b) => b.items)).toEqual([[1]]);
    const later = [c.submit('org', 2), c.submit('org', 3), c.submit('org', 4)];
    await settle();
    expect(batches).toHaveLength(1); // nothing else starts while a batch is in flight
    batches[0]!.finish();
    expect(await first).toBe('org:10');
    await settle();
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3, 4]]);
    batches[1]!.finish();
    expect(await Promise.all(later)).toEqual(['org:20', 'org:30', 'org:40']);
  });

  it('keeps keys apart: another key does not wait for, or join, a batch in flight', async () => {
    const { batches, run } = controlledRun();
    const c = createCoalescer(run, { maxBatch: 100 });
    const a = c.submit('lab-a', 1);
    const b = c.submit('lab-b', 2);
    expect(batches.map((x) => [x.key, x.items])).toEqual([['lab-a', [1]], ['lab-b', [2]]]);
    batches[1]!.finish();
    expect(await b).toBe('lab-b:20');
    batches[0]!.finish();
    expect(await a).toBe('lab-a:10');
  });

  it('takes at most maxBatch items per batch', async () => {
    const { batches, run } = controlledRun();
    const c = createCoalescer(run, { maxBatch: 2 });
    const all = [1, 2, 3, 4, 5].map((i) => c.submit('org', i));
    for (let i = 0; i < 3; i++) {
      await settle();
      batches[i]!.finish();
    }
    expect(await Promise.all(all)).toEqual(['org:10', 'org:20', 'org:30', 'org:40', 'org:50']);
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3], [4, 5]]);
  });

  it('fails only the callers of a batch that throws; the next batch still runs, and an idle key starts afresh', async () => {
    const { batches, run } = controlledRun();
    const c = createCoalescer(run, { maxBatch: 100 });
    const first = c.submit('org', 1);
    const second = [c.submit('org', 2), c.submit('org', 3)];
    batches[0]!.finish(new Error('database went away'));
    await expect(first).rejects.toThrow('database went away');
    await settle();
    batches[1]!.finish();
    expect(await Promise.all(second)).toEqual(['org:20', 'org:30']);
    await settle();
    const again = c.submit('org', 4);
    expect(batches.map((b) => b.items)).toEqual([[1], [2, 3], [4]]);
    batches[2]!.finish();
    expect(await again).toBe('org:40');
  });
});
